using Microsoft.ML.Attention.Generation;
using Microsoft.ML.Data;

namespace Microsoft.ML.Attention.Samples;

/// <summary>
/// Imports karpathy's stories260K llama2.c checkpoint as an ML.NET transformer, generates in a pipeline (Transform over a prompt
/// column), streams a story piece by piece, and saves + reloads the model as an ML.NET .zip.
/// </summary>
internal static class GenerateStories
{
    private sealed class PromptRow
    {
        public string Prompt { get; set; } = "";
    }

    public static void Run(string datasets)
    {
        var ml = new MLContext(seed: 1);
        string folder = Path.Combine(datasets, "weights", "stories260K");
        var greedy = new GenerationOptions { Temperature = 0, MaxNewTokens = 256 };

        Console.WriteLine("1. Importing stories260K (llama2.c checkpoint + tok512 tokenizer)");
        using var stories = ml.Transforms.ImportLlama2c(Path.Combine(folder, "stories260K.bin"), Path.Combine(folder, "tok512.bin"), generation: greedy);
        Console.WriteLine($"   {stories.Config.LayerCount} layers, {stories.Config.ModelDimension} dimensions, context {stories.Config.MaxSequenceLength}");

        Console.WriteLine("2. Transform: a prompt column in, a GeneratedText column out (greedy, 256 tokens at most)");
        var prompts = ml.Data.LoadFromEnumerable(new[] { new PromptRow { Prompt = "" }, new PromptRow { Prompt = "The dog" } });
        var output = stories.Transform(prompts);
        foreach (var (prompt, text) in output.GetColumn<string>("Prompt").Zip(output.GetColumn<string>("GeneratedText")))
            Console.WriteLine($"   [{prompt}] -> {text}");

        Console.WriteLine("3. Streaming: pieces are printed as they are generated");
        Console.Write("   Once upon a time");
        foreach (string piece in stories.GenerateStream("Once upon a time"))
            Console.Write(piece);
        Console.WriteLine();

        string path = Path.Combine(Path.GetTempPath(), "mlnet-attention-stories260K.zip");
        ml.Model.Save(stories, prompts.Schema, path);
        using var reloaded = (TransformerTextTransformer)new MLContext().Model.Load(path, out _);
        bool same = reloaded.Generate("The dog") == stories.Generate("The dog");
        Console.WriteLine($"4. Saved to {path} ({new FileInfo(path).Length / 1024} KB); reloaded model generates the same text: {same}");
    }
}
