using Microsoft.ML.Attention.Generation;
using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Persistence;
using Microsoft.ML.Attention.Tokenization;

namespace Microsoft.ML.Attention.Tests.Generation;

/// <summary>karpathy's stories260K (llama2.c tinyllamas) with its 512-token tokenizer, loaded once for the generation tests.</summary>
public sealed class Stories260KFixture : IDisposable
{
    public Stories260KFixture()
    {
        string folder = TestData.Path("weights", "stories260K");
        Model = Llama2cCheckpoint.Load(Path.Combine(folder, "stories260K.bin"));
        Tokenizer = TextTokenizer.CreateLlama2c(Path.Combine(folder, "tok512.bin"));
        Generator = new TextGenerator(Model, Tokenizer);
        PublishedGreedyText = ReadPublishedGreedyText(Path.Combine(folder, "stories260K.karpathy-doc.md"));
    }

    public CausalLanguageModel Model { get; }

    public TextTokenizer Tokenizer { get; }

    public TextGenerator Generator { get; }

    /// <summary>The output of <c>./run stories260K.bin -z tok512.bin -t 0.0</c> as published in the model's documentation.</summary>
    public string PublishedGreedyText { get; }

    public void Dispose() => Model.Dispose();

    private static string ReadPublishedGreedyText(string docPath)
    {
        string[] lines = File.ReadAllLines(docPath);
        int command = Array.FindIndex(lines, l => l.StartsWith("$ ./run ", StringComparison.Ordinal) && l.Contains("-t 0.0", StringComparison.Ordinal));
        int end = Array.FindIndex(lines, command + 1, l => l.StartsWith("```", StringComparison.Ordinal));
        return string.Join("\n", lines[(command + 1)..end]);
    }
}
