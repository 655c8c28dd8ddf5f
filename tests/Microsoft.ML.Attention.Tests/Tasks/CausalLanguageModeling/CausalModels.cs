using Microsoft.ML.Attention.Generation;
using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Tests.Estimators;
using Microsoft.ML.Attention.Tokenization;

namespace Microsoft.ML.Attention.Tests.Causal;

/// <summary>Tiny causal-LM options and real text for the causal-language-modelling tests.</summary>
internal static class CausalModels
{
    public sealed class PromptRow
    {
        public string Prompt { get; set; } = "";
    }

    public static TransformerTextOptions TinyCharacterLm(int epochs = 1)
    {
        var options = TinyModels.MaskedLm(epochs);
        options.Task = TransformerTask.CausalLanguageModeling;
        options.Model = options.Model with { MaxSequenceLength = 32 };
        options.LearningRate = 3e-3;
        options.WarmupFraction = 0.05;
        options.Generation = new GenerationOptions { Temperature = 0f, MaxNewTokens = 24 };
        return options;
    }

    /// <summary>Non-empty lines of tiny shakespeare, skipping the first <paramref name="skip"/>.</summary>
    public static List<string> ShakespeareLines(int skip, int count) =>
        File.ReadLines(TestData.Path("lm", "tinyshakespeare", "input.txt"))
            .Where(l => l.Trim().Length > 0)
            .Skip(skip)
            .Take(count)
            .ToList();

    public static string StoriesFile(string name) => TestData.Path("weights", "stories260K", name);

    /// <summary>stories260K as a generation transformer reading column "Prompt".</summary>
    public static TransformerTextTransformer ImportStories(MLContext ml, GenerationOptions generation) =>
        ml.Transforms.ImportLlama2c(StoriesFile("stories260K.bin"), StoriesFile("tok512.bin"), generation: generation);

    public static IDataView Prompts(MLContext ml, IEnumerable<string> prompts) =>
        ml.Data.LoadFromEnumerable(prompts.Select(p => new PromptRow { Prompt = p }).ToList());

    /// <summary>The output of <c>./run stories260K.bin -z tok512.bin -t 0.0</c> as published in the model's documentation.</summary>
    public static string PublishedGreedyText()
    {
        string[] lines = File.ReadAllLines(StoriesFile("stories260K.karpathy-doc.md"));
        int command = Array.FindIndex(lines, l => l.StartsWith("$ ./run ", StringComparison.Ordinal) && l.Contains("-t 0.0", StringComparison.Ordinal));
        int end = Array.FindIndex(lines, command + 1, l => l.StartsWith("```", StringComparison.Ordinal));
        return string.Join("\n", lines[(command + 1)..end]);
    }
}
