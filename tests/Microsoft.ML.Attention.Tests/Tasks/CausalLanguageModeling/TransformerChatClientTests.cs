using Microsoft.Extensions.AI;
using Microsoft.ML.Attention.Generation;

namespace Microsoft.ML.Attention.Tests.Causal;

public class TransformerChatClientTests
{
    private static readonly GenerationOptions Greedy = new() { Temperature = 0f, MaxNewTokens = 40 };

    [Fact]
    public async Task Streaming_updates_concatenate_to_the_greedy_continuation_of_the_message_text()
    {
        var ml = new MLContext(seed: 1);
        using var stories = CausalModels.ImportStories(ml, Greedy);
        using IChatClient chat = stories.AsChatClient();

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in chat.GetStreamingResponseAsync("Once upon a time"))
            updates.Add(update);

        Assert.True(updates.Count > 1, $"expected several pieces, got {updates.Count}");
        Assert.All(updates, u => Assert.Equal(ChatRole.Assistant, u.Role));
        Assert.Equal(stories.Generate("Once upon a time"), string.Concat(updates.Select(u => u.Text)));
    }

    [Fact]
    public async Task Options_replace_the_saved_settings_for_one_call_and_messages_join_by_lines()
    {
        var ml = new MLContext(seed: 1);
        using var stories = CausalModels.ImportStories(ml, Greedy);
        using var chat = stories.AsChatClient();
        var options = new ChatOptions { MaxOutputTokens = 5, Temperature = 0.9f, TopK = 20, Seed = 3, Instructions = "Lily had a cat." };

        var response = await chat.GetResponseAsync([new ChatMessage(ChatRole.User, "The cat")], options);

        var expected = string.Concat(stories.GenerateStream("Lily had a cat.\nThe cat", new GenerationOptions { MaxNewTokens = 5, Temperature = 0.9f, TopK = 20, Seed = 3 }));
        Assert.Equal(expected, response.Text);
        Assert.Equal(ChatRole.Assistant, response.Messages.Single().Role);
        Assert.Equal(40, stories.Generation!.MaxNewTokens);
    }

    [Fact]
    public async Task Out_of_range_option_is_named_before_generation()
    {
        var ml = new MLContext(seed: 1);
        using var stories = CausalModels.ImportStories(ml, Greedy);
        using var chat = stories.AsChatClient();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => chat.GetResponseAsync("x", new ChatOptions { Temperature = -1f }));

        Assert.Contains("Temperature", error.Message);
    }

    [Fact]
    public void An_encoder_is_refused_with_its_task_named()
    {
        var ml = new MLContext(seed: 1);
        using var encoder = ml.Transforms.ImportEncoder(Import.MiniLmFiles.ModelPath, Import.MiniLmFiles.VocabularyPath);

        var error = Assert.Throws<ArgumentException>(() => encoder.AsChatClient());

        Assert.Contains("MaskedLanguageModeling", error.Message);
    }
}
