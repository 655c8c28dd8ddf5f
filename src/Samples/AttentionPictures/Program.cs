// Pictures of attention: (1) the attention weights of the pretrained all-MiniLM-L6-v2 for one sentence, per layer and head, drawn as
// heatmaps; (2) the training and validation loss curves of a small GPT-style model trained on tiny shakespeare.
//   dotnet run -c Release --project src/Samples/AttentionPictures -- --output docs/images            the pictures of docs/attention.md
//   dotnet run -c Release --project src/Samples/AttentionPictures -- --quick                          a shorter training run
//   ... -- --text "The food was great."    the sentence to look at
//   ... -- --translation-model PATH [--verse "..."]   (3) the cross-attention of a translation model saved as a .zip (e.g. by
//          benchmarks/TranslationBenchmark --save PATH): which English token each Spanish token looked at, for one verse
using System.Globalization;
using System.Text.RegularExpressions;
using AttentionPictures;
using Microsoft.ML;
using Microsoft.ML.Attention;
using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Samples;
using Microsoft.ML.Attention.Tokenization;

var arguments = new SampleArguments("AttentionPictures", args);
var mlContext = new MLContext(seed: 1);

// 1. Attention heatmaps of a pretrained encoder.
string text = arguments.Value("text") ?? "The cat sat on the mat because it was tired.";
using (var encoder = mlContext.Transforms.ImportEncoder(MiniLmFiles.ModelPath, MiniLmFiles.VocabularyPath))
{
    var attention = encoder.GetAttentionWeights(text);
    Console.WriteLine($"Tokens: {string.Join(" ", attention.Tokens)} ({attention.LayerCount} layers x {attention.HeadCount} heads)");
    foreach (var (layer, head) in new[] { (0, 0), (2, 5), (5, 3) })
    {
        string path = Path.Combine(arguments.Output, $"attention-minilm-layer{layer}-head{head}.png");
        Heatmap.Save(attention, layer, head, $"all-MiniLM-L6-v2, layer {layer}, head {head}", path);
        Console.WriteLine($"Wrote {path}");
    }
}

// 2. Loss curves: the estimator reports training loss every LogEverySteps steps and validation loss before training and after each
// epoch through ML.NET's log; the sample reads those lines (the library has no public per-step history yet).
var training = new List<(int Step, double Loss)>();
var validation = new List<(int Step, double Loss)>();
var stepLine = new Regex(@"^step (\d+)/\d+ epoch \d+: training loss (\d+\.\d+)");
var validationLine = new Regex(@"(?:Before training|\(step (\d+)\)): validation causal-LM loss (\d+\.\d+)");
mlContext.Log += (_, e) =>
{
    if (stepLine.Match(e.RawMessage) is { Success: true } s)
        training.Add((int.Parse(s.Groups[1].Value, CultureInfo.InvariantCulture), double.Parse(s.Groups[2].Value, CultureInfo.InvariantCulture)));
    else if (validationLine.Match(e.RawMessage) is { Success: true } v)
        validation.Add((v.Groups[1].Success ? int.Parse(v.Groups[1].Value, CultureInfo.InvariantCulture) : 0, double.Parse(v.Groups[2].Value, CultureInfo.InvariantCulture)));
};
string corpus = File.ReadAllText(SampleData.PathOf("lm", "tinyshakespeare", "input.txt"));
var speeches = corpus.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(s => new TextRow { Text = s.Trim() }).ToList();
int trainCount = arguments.Quick ? 400 : 4000;
var options = new TransformerTextOptions
{
    Task = TransformerTask.CausalLanguageModeling,
    Tokenizer = TokenizerKind.Character,
    Model = new TransformerConfig { ModelDimension = 64, LayerCount = 2, HeadCount = 4, MaxSequenceLength = 64, Dropout = 0, AttentionDropout = 0 },
    Epochs = arguments.Quick ? 2 : 4,
    BatchSize = 12,
    LearningRate = 1e-3,
    LogEverySteps = arguments.Quick ? 5 : 25,
    ValidationSet = mlContext.Data.LoadFromEnumerable(speeches.Skip(speeches.Count * 9 / 10).Take(arguments.Quick ? 40 : 400).ToList()),
    Seed = 1,
};
using (var model = (TransformerTextTransformer)mlContext.Transforms.AttentionEncoder(options).Fit(mlContext.Data.LoadFromEnumerable(speeches.Take(trainCount).ToList())))
{
    string path = Path.Combine(arguments.Output, "loss-curves-tinyshakespeare.png");
    LossCurves.Save(training, validation,
        $"Character GPT, 2 layers x 64: {trainCount} tiny shakespeare speeches", path);
    Console.WriteLine($"Training loss {training[0].Loss:F3} (step {training[0].Step}) -> {training[^1].Loss:F3} (step {training[^1].Step}); " +
        $"validation {validation[0].Loss:F3} -> {validation[^1].Loss:F3} ({validation.Count} points)");
    Console.WriteLine($"Wrote {path}");
}

// 3. Cross-attention of a translation model (TransformerTask.Translation) on a verse it never saw in training.
if (arguments.Value("translation-model") is { } translationPath)
{
    using var translator = (TransformerTextTransformer)mlContext.Model.Load(translationPath, out _);
    string verse = arguments.Value("verse") ?? "Now the word of the LORD came unto Jonah the son of Amittai, saying,";   // Jonah 1:1, a test book
    var cross = translator.GetCrossAttentionWeights(verse);
    Console.WriteLine($"Source: {verse}\nTranslation: {string.Concat(cross.TargetTokens.SkipLast(1))}");
    int last = cross.LayerCount - 1;
    string meanPath = Path.Combine(arguments.Output, "cross-attention-kjv-rv1909-mean.png");
    Heatmap.Save(cross, cross.Mean(), $"KJV -> RV1909: cross-attention, mean of {cross.LayerCount * cross.HeadCount} heads", meanPath);
    Console.WriteLine($"Wrote {meanPath}");
    for (int head = 0; head < cross.HeadCount; head++)
    {
        string path = Path.Combine(arguments.Output, $"cross-attention-kjv-rv1909-layer{last}-head{head}.png");
        Heatmap.Save(cross, cross.Head(last, head), $"KJV -> RV1909: cross-attention, layer {last}, head {head}", path);
        Console.WriteLine($"Wrote {path}");
    }
}

/// <summary>One training text.</summary>
internal sealed class TextRow
{
    public string Text { get; set; } = "";
}
