// Extractive question answering on SQuAD v1.1: train on train-subset-du2017.json (11,877 questions), report the official
// exact match and F1 on the full dev-v1.1.json (10,570 questions).
// Usage: dotnet run -c Release --project benchmarks/QuestionAnsweringBenchmark -- [sections] [--train-questions N] [--dev-questions N] [--progress] [--parallel]
//   sections: baseline (the SQuAD paper's sliding-window baseline; no training; the default set);
//   minilm (QuestionAnswering fine-tuned from the imported all-MiniLM-L6-v2, 1 epoch, bf16 inference where the CPU has it);
//   random (the same model and settings from random weights, for contrast);
//   --train-questions / --dev-questions: the first N questions of each file (default: all; the figure of record uses all of dev);
//   --parallel: the trained sections run at the same time, each in its own process with one torch thread (one core each),
//   and their rows come back into this run's table.
// The figure of record: dotnet run -c Release --project benchmarks/QuestionAnsweringBenchmark -- baseline minilm random --parallel --progress
using System.Diagnostics;
using Microsoft.ML.Attention;
using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Tokenization;
using Microsoft.ML;
using Microsoft.ML.Attention.Benchmarks;

var sections = args.Where(a => !a.StartsWith("--") && !int.TryParse(a, out _)).ToHashSet();
if (sections.Count == 0)
    sections = ["baseline"];
string[] trained = ["minilm", "random"];

var table = new List<string> { "| data | method | EM | F1 | wall time | config |", "|---|---|---|---|---|---|" };
var total = Stopwatch.StartNew();
Console.WriteLine($"Microsoft.ML.Attention question-answering benchmark; {Environment.ProcessorCount} cores; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
var dev = SquadReader.ReadExamples(SquadFiles.Dev);
string devNote = $"SQuAD v1.1 dev ({dev.Count} questions)";

if (sections.Contains("baseline"))
{
    var watch = Stopwatch.StartNew();
    var predictions = dev.Select(e => SlidingWindowBaseline.Predict(e.Context, e.Question).Answer).ToList();
    var metrics = SquadEvaluator.Evaluate(dev.Select((e, i) => ((IReadOnlyList<string>)e.Answers.Select(a => a.Text).ToList(), predictions[i])));
    Report(devNote, "sliding-window baseline (Rajpurkar et al. 2016, §5.1)", metrics, watch.Elapsed,
        $"no training; candidates of 1-{SlidingWindowBaseline.DefaultMaxAnswerWords} words within a phrase");
}

var trainedSections = trained.Where(sections.Contains).ToList();
if (args.Contains("--parallel") && trainedSections.Count > 0)
{
    _ = MiniLm.ModelPath;                           // extracted once, before the processes that read it start
    var children = trainedSections.Select(StartChild).ToList();
    foreach (var (section, child) in children)
    {
        child.WaitForExit();
        if (child.ExitCode != 0)
            throw new InvalidOperationException($"The {section} section failed with exit code {child.ExitCode}.");
    }
}
else
{
    foreach (string section in trainedSections)
        RunTrained(section);
}

Console.WriteLine();
Console.WriteLine(string.Join(Environment.NewLine, table));
Console.WriteLine($"total {total.Elapsed.TotalSeconds:F1} s");

void RunTrained(string section)
{
    int trainQuestions = IntArgument("--train-questions", int.MaxValue);
    int devQuestions = IntArgument("--dev-questions", int.MaxValue);
    var ml = new MLContext(seed: 1);
    if (args.Contains("--progress"))
        ml.Log += (_, e) => { if (e.Message.Contains("step") || e.Message.Contains("windows") || e.Message.Contains("skipped")) Console.WriteLine($"  [{section}] {DateTime.Now:HH:mm:ss} {e.Message}"); };
    var train = ml.Data.TakeRows(SquadReader.Load(ml, SquadFiles.Train), trainQuestions);
    var devView = ml.Data.TakeRows(SquadReader.Load(ml, SquadFiles.Dev), devQuestions);
    bool pretrained = section == "minilm";
    var options = new TransformerTextOptions
    {
        Task = TransformerTask.QuestionAnswering,
        // random: all-MiniLM-L6-v2's architecture (BERT layout, 6 x 384, 12 heads) and vocabulary, initialized at random.
        InitialModel = pretrained ? (TransformerInitialModel)MiniLm.ModelPath : null,
        Model = pretrained ? new() : MiniLmArchitecture,
        Tokenizer = TokenizerKind.WordPiece,
        VocabularyPath = MiniLm.VocabularyPath,
        MaxSequenceLength = 256,
        Epochs = 1,
        BatchSize = 16,
        LearningRate = 1e-4,
        Seed = 1,
        LogEverySteps = 50,
        Device = TransformerDevice.Cpu,
        InferencePrecision = InferencePrecision.BFloat16,   // this machine's CPU has AVX512-BF16 (docs/performance.md)
    };
    var watch = Stopwatch.StartNew();
    using var model = ml.Transforms.AttentionEncoder(options).Fit(train);
    var fitted = watch.Elapsed;
    var metrics = SquadEvaluator.Evaluate(model.Transform(devView));
    string trainNote = trainQuestions == int.MaxValue ? "all 11,877 training questions" : $"the first {trainQuestions} training questions";
    string method = pretrained ? "QuestionAnswering fine-tuned from the imported all-MiniLM-L6-v2" : "the same model from random weights";
    Report(devQuestions == int.MaxValue ? devNote : $"SQuAD v1.1 dev, first {devQuestions} questions", method, metrics, watch.Elapsed,
        $"{trainNote}, 1 epoch, batch 16 (length-grouped), lr 1e-4, windows of 256 tokens, stride 128, {options.InferencePrecision} inference; "
        + $"Fit {fitted.TotalSeconds:F0} s, dev {(watch.Elapsed - fitted).TotalSeconds:F0} s, torch threads {TorchSharp.torch.get_num_threads()}");
}

(string Section, Process Child) StartChild(string section)
{
    var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, UseShellExecute = false };
    start.ArgumentList.Add(section);
    foreach (string argument in args.Where(a => !sections.Contains(a) && a != "--parallel"))
        start.ArgumentList.Add(argument);
    start.Environment["OMP_NUM_THREADS"] = "1";
    var child = Process.Start(start)!;
    child.OutputDataReceived += (_, e) =>
    {
        if (e.Data is null)
            return;
        if (e.Data.StartsWith("| SQuAD"))
        {
            lock (table)
            {
                if (!table.Contains(e.Data))                 // the child prints its row twice: when measured and in its table
                    table.Add(e.Data);
            }
        }
        if (e.Data.StartsWith("  ["))
            Console.WriteLine(e.Data);
    };
    child.BeginOutputReadLine();
    return (section, child);
}

int IntArgument(string name, int fallback) => args.SkipWhile(a => a != name).Skip(1).Select(int.Parse).DefaultIfEmpty(fallback).First();

void Report(string data, string method, SquadMetrics metrics, TimeSpan wall, string config)
{
    string row = $"| {data} | {method} | {metrics.ExactMatch:F1} | {metrics.F1:F1} | {wall.TotalSeconds:F1} s | {config} |";
    Console.WriteLine(row);
    lock (table)
        table.Add(row);
}

static partial class Program
{
    // all-MiniLM-L6-v2's architecture as the importer reads it (BertLayout), for the random-weights contrast.
    private static readonly TransformerConfig MiniLmArchitecture = new()
    {
        VocabularySize = 30522,
        ModelDimension = 384,
        LayerCount = 6,
        HeadCount = 12,
        FeedForwardDimension = 1536,
        MaxSequenceLength = 512,
        TokenTypeCount = 2,
        NormalizeEmbeddings = true,
        PositionalEncoding = PositionalEncodingKind.Learned,
        NormalizationPlacement = NormalizationPlacement.PostNorm,
        Normalization = NormalizationKind.LayerNorm,
        Activation = ActivationKind.Gelu,
        NormalizationEpsilon = 1e-12,
    };
}
