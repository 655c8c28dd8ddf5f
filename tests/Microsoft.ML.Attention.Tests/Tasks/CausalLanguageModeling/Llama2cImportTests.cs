using Microsoft.ML.Attention.Generation;
using Microsoft.ML.Attention.Tests.Estimators;
using Microsoft.ML.Data;

namespace Microsoft.ML.Attention.Tests.Causal;

public class Llama2cImportTests
{
    private static readonly GenerationOptions Greedy256 = new() { Temperature = 0f, MaxNewTokens = 256 };

    [Fact]
    public void Imported_stories260K_Transform_of_an_empty_prompt_is_the_published_greedy_text()
    {
        var ml = new MLContext(seed: 1);
        using var stories = CausalModels.ImportStories(ml, Greedy256);

        var output = stories.Transform(CausalModels.Prompts(ml, [""]));

        Assert.Equal(["Prompt"], stories.InputColumnNames);
        Assert.Equal(CausalModels.PublishedGreedyText(), output.GetColumn<string>("GeneratedText").Single());
    }

    [Fact]
    public void Imported_stories260K_saved_then_loaded_in_a_fresh_process_generates_identically()
    {
        var ml = new MLContext(seed: 1);
        using var stories = CausalModels.ImportStories(ml, new GenerationOptions { Temperature = 0.8f, TopP = 0.9f, Seed = 5, MaxNewTokens = 40 });
        string[] prompts = ["", "Once upon a time", "The little dog was\nhappy"];
        var promptData = CausalModels.Prompts(ml, prompts);
        var expected = stories.Transform(promptData).GetColumn<string>("GeneratedText").ToArray();
        string path = Path.Combine(Directory.CreateTempSubdirectory("mlattention-causal").FullName, "stories260K.zip");
        ml.Model.Save(stories, promptData.Schema, path);

        var rows = ModelProbeProcess.RunWithInputColumn(path, "Prompt", prompts, "GeneratedText");

        Assert.Equal(expected.Select(t => t.Replace("\n", "\\n")), rows.Select(r => r["GeneratedText"]));
        Assert.All(expected, text => Assert.NotEmpty(text));
    }

    [Fact]
    public void Streaming_pieces_concatenate_to_what_Transform_writes()
    {
        var ml = new MLContext(seed: 1);
        using var stories = CausalModels.ImportStories(ml, new GenerationOptions { Temperature = 1f, Seed = 11, MaxNewTokens = 60 });
        string[] prompts = ["", "A bird"];

        var transformed = stories.Transform(CausalModels.Prompts(ml, prompts)).GetColumn<string>("GeneratedText").ToArray();
        var streamed = prompts.Select(p => stories.GenerateStream(p).ToList()).ToArray();

        Assert.Equal(transformed, streamed.Select(pieces => string.Concat(pieces)));
        Assert.All(streamed, pieces => Assert.True(pieces.Count > 5, $"{pieces.Count} pieces"));
    }

    [Fact]
    public void Streaming_stops_when_the_token_is_cancelled()
    {
        var ml = new MLContext(seed: 1);
        using var stories = CausalModels.ImportStories(ml, Greedy256);
        using var cancellation = new CancellationTokenSource();
        var pieces = new List<string>();

        Assert.ThrowsAny<OperationCanceledException>(() =>
        {
            foreach (string piece in stories.GenerateStream(null, cancellation.Token))
            {
                pieces.Add(piece);
                if (pieces.Count == 3)
                    cancellation.Cancel();
            }
        });

        Assert.Equal(3, pieces.Count);
        Assert.StartsWith(string.Concat(pieces), CausalModels.PublishedGreedyText());
    }

    [Fact]
    public void Stop_sequence_saved_with_the_import_ends_the_Transform_output()
    {
        var ml = new MLContext(seed: 1);
        using var stories = CausalModels.ImportStories(ml, new GenerationOptions { Temperature = 0f, MaxNewTokens = 256, StopSequences = { "Lily" } });

        Assert.Equal("Once upon a time, there was a little girl named ", stories.Generate(""));
    }
}
