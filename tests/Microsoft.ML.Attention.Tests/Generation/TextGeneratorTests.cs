using Microsoft.ML.Attention.Generation;
using TorchSharp;

namespace Microsoft.ML.Attention.Tests.Generation;

public class TextGeneratorTests : IClassFixture<Stories260KFixture>
{
    private readonly Stories260KFixture _stories;

    public TextGeneratorTests(Stories260KFixture stories) => _stories = stories;

    private TextGenerator Generator => _stories.Generator;

    [Fact]
    public void Greedy_stories260K_reproduces_the_published_llama2c_output_verbatim()
    {
        // llama2.c `run -t 0.0` runs 256 steps from position 0 (the start token): 256 new tokens.
        var options = new GenerationOptions { Temperature = 0f, MaxNewTokens = 256 };

        string text = Generator.Generate(null, options);

        Assert.Equal(_stories.PublishedGreedyText, text);
    }

    [Fact]
    public void Greedy_ids_are_the_same_with_and_without_the_key_value_cache()
    {
        var prompt = Generator.EncodePrompt("Once upon a time, a cat");
        var cached = Generator.GenerateIds(prompt, new GenerationOptions { Temperature = 0f, MaxNewTokens = 48 });
        var uncached = Generator.GenerateIds(prompt, new GenerationOptions { Temperature = 0f, MaxNewTokens = 48, UseKeyValueCache = false });

        Assert.Equal(48, cached.Count);
        Assert.Equal(cached, uncached);
    }

    [Fact]
    public void Stop_sequence_ends_the_output_and_is_not_included()
    {
        string published = _stories.PublishedGreedyText;
        var options = new GenerationOptions { Temperature = 0f, MaxNewTokens = 256, StopSequences = { "Lily", "ball" } };

        string text = Generator.Generate(null, options);

        Assert.Equal(published[..published.IndexOf("Lily", StringComparison.Ordinal)], text);
        Assert.Equal("Once upon a time, there was a little girl named ", text);
    }

    [Fact]
    public void Stop_sequence_spanning_several_tokens_is_held_back_then_dropped()
    {
        string published = _stories.PublishedGreedyText;
        var options = new GenerationOptions { Temperature = 0f, MaxNewTokens = 256, StopSequences = { "big, red" } };

        var pieces = Generator.Stream(null, options).ToList();

        Assert.Equal(published[..published.IndexOf("big, red", StringComparison.Ordinal)], string.Concat(pieces));
        Assert.DoesNotContain(pieces, p => p.Contains("big", StringComparison.Ordinal));
    }

    [Fact]
    public void Top_k_one_gives_the_greedy_text()
    {
        var greedy = Generator.Generate("The dog", new GenerationOptions { Temperature = 0f, MaxNewTokens = 40 });
        var topOne = Generator.Generate("The dog", new GenerationOptions { TopK = 1, Temperature = 0.8f, Seed = 123, MaxNewTokens = 40 });

        Assert.Equal(greedy, topOne);
    }

    [Fact]
    public void Same_seed_gives_the_same_sampled_text_and_another_seed_a_different_one()
    {
        GenerationOptions Sampled(int seed) => new() { Temperature = 1f, TopP = 0.9f, Seed = seed, MaxNewTokens = 60 };

        string first = Generator.Generate(null, Sampled(42));
        string again = Generator.Generate(null, Sampled(42));
        string other = Generator.Generate(null, Sampled(43));

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void Stream_pieces_concatenate_to_the_generated_text()
    {
        var options = new GenerationOptions { Temperature = 0.9f, TopK = 40, RepetitionPenalty = 1.2f, Seed = 7, MaxNewTokens = 80 };

        var pieces = Generator.Stream("Tom had a red", options).ToList();
        string text = Generator.Generate("Tom had a red", options);

        Assert.True(pieces.Count > 1);
        Assert.All(pieces, p => Assert.NotEqual(string.Empty, p));
        Assert.Equal(text, string.Concat(pieces));
    }

    [Fact]
    public void Cancellation_stops_the_stream()
    {
        using var cancellation = new CancellationTokenSource();
        var options = new GenerationOptions { Temperature = 0f, MaxNewTokens = 256 };
        var received = new List<string>();

        Assert.ThrowsAny<OperationCanceledException>(() =>
        {
            foreach (string piece in Generator.Stream(null, options, cancellation.Token))
            {
                received.Add(piece);
                if (received.Count == 3)
                {
                    cancellation.Cancel();
                }
            }
        });

        Assert.Equal(3, received.Count);
    }

    [Fact]
    public void Invalid_options_are_rejected_before_generation_naming_the_option()
    {
        var error = Assert.Throws<ArgumentException>(() => Generator.Stream(null, new GenerationOptions { TopP = 0f }));
        var idsError = Assert.Throws<ArgumentException>(() => Generator.GenerateIds(Array.Empty<int>(), new GenerationOptions { MaxNewTokens = 0 }));

        Assert.Equal(nameof(GenerationOptions.TopP), error.ParamName);
        Assert.Equal(nameof(GenerationOptions.MaxNewTokens), idsError.ParamName);
    }

    [Fact]
    public void Empty_prompt_and_null_prompt_both_start_from_the_start_token_alone()
    {
        Assert.Equal(new[] { _stories.Tokenizer.Special.Bos }, Generator.EncodePrompt(null));
        Assert.Equal(new[] { _stories.Tokenizer.Special.Bos }, Generator.EncodePrompt(string.Empty));
        var options = new GenerationOptions { Temperature = 0f, MaxNewTokens = 10 };
        Assert.Equal(Generator.Generate(null, options), Generator.Generate(string.Empty, options));
    }

    [Fact]
    public void Prompt_longer_than_the_context_keeps_its_last_tokens_and_still_generates()
    {
        string prompt = string.Concat(Enumerable.Repeat("The sun was warm and the bird sang. ", 60));
        int[] content = _stories.Tokenizer.Encode(prompt);
        Assert.True(content.Length > Generator.ContextLength);

        var ids = Generator.EncodePrompt(prompt);
        var generated = Generator.GenerateIds(ids, new GenerationOptions { Temperature = 0f, MaxNewTokens = 5 });

        Assert.Equal(Generator.ContextLength, ids.Count);
        Assert.Equal(content[^Generator.ContextLength..], ids);
        Assert.Single(generated); // the context is full: the one token sampled from the last position ends it
    }

    [Fact]
    public void Live_tensor_count_stays_flat_while_generating_hundreds_of_tokens()
    {
        var options = new GenerationOptions { Temperature = 1f, Seed = 3, MaxNewTokens = 480 };
        var counts = new List<long>();
        int tokens = 0;
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        foreach (string piece in Generator.Stream(null, options))
        {
            if (++tokens % 50 == 0)
            {
                counts.Add(DisposeScopeManager.Statistics.ThreadTotalLiveCount);
            }
        }

        Assert.True(counts.Count >= 2, $"only {tokens} pieces");
        Assert.All(counts, c => Assert.Equal(counts[0], c));
        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }
}
