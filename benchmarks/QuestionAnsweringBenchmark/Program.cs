// Extractive question answering on SQuAD v1.1: train on train-subset-du2017.json (11,877 questions), report the official
// exact match and F1 on the full dev-v1.1.json (10,570 questions).
// Usage: dotnet run -c Release --project benchmarks/QuestionAnsweringBenchmark -- [sections] [--train-questions N] [--dev-questions N] [--progress]
//   sections: baseline (the SQuAD paper's sliding-window baseline; no training; the default set);
//   minilm (QuestionAnswering fine-tuned from the imported all-MiniLM-L6-v2, 1 epoch);
//   --train-questions / --dev-questions: the first N questions of each file (default: all; the figure of record uses all of dev).
using System.Diagnostics;
using Microsoft.ML.Attention;
using Microsoft.ML;
using Microsoft.ML.Attention.Benchmarks;

var sections = args.Where(a => !a.StartsWith("--")).ToHashSet();
if (sections.Count == 0)
    sections = ["baseline"];

var table = new List<string> { "| data | method | EM | F1 | wall time | config |", "|---|---|---|---|---|---|" };
var total = Stopwatch.StartNew();
Console.WriteLine($"Microsoft.ML.Attention question-answering benchmark; {Environment.ProcessorCount} cores");
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

if (sections.Contains("minilm"))
{
    int trainQuestions = IntArgument("--train-questions", int.MaxValue);
    int devQuestions = IntArgument("--dev-questions", int.MaxValue);
    var ml = new MLContext(seed: 1);
    if (args.Contains("--progress"))
        ml.Log += (_, e) => { if (e.Message.Contains("step") || e.Message.Contains("parameters") || e.Message.Contains("skipped")) Console.WriteLine($"  {DateTime.Now:HH:mm:ss} {e.Message}"); };
    var train = ml.Data.TakeRows(SquadReader.Load(ml, SquadFiles.Train), trainQuestions);
    var devView = ml.Data.TakeRows(SquadReader.Load(ml, SquadFiles.Dev), devQuestions);
    var options = new TransformerTextOptions
    {
        Task = TransformerTask.QuestionAnswering,
        InitialModel = MiniLm.ModelPath,
        VocabularyPath = MiniLm.VocabularyPath,
        MaxSequenceLength = 256,
        Epochs = 1,
        BatchSize = 16,
        LearningRate = 1e-4,
        Seed = 1,
        LogEverySteps = 50,
        Device = TransformerDevice.Cpu,
    };
    var watch = Stopwatch.StartNew();
    using var model = ml.Transforms.AttentionEncoder(options).Fit(train);
    var fitted = watch.Elapsed;
    var metrics = SquadEvaluator.Evaluate(model.Transform(devView));
    string trainNote = trainQuestions == int.MaxValue ? "all 11,877 training questions" : $"the first {trainQuestions} training questions";
    Report(devQuestions == int.MaxValue ? devNote : $"SQuAD v1.1 dev, first {devQuestions} questions", "QuestionAnswering fine-tuned from the imported all-MiniLM-L6-v2",
        metrics, watch.Elapsed, $"{trainNote}, 1 epoch, batch 16, lr 1e-4, windows of 256 tokens, stride 128; Fit {fitted.TotalSeconds:F0} s, torch threads {TorchSharp.torch.get_num_threads()}");
}

Console.WriteLine();
Console.WriteLine(string.Join(Environment.NewLine, table));
Console.WriteLine($"total {total.Elapsed.TotalSeconds:F1} s");

int IntArgument(string name, int fallback) => args.SkipWhile(a => a != name).Skip(1).Select(int.Parse).DefaultIfEmpty(fallback).First();

void Report(string data, string method, SquadMetrics metrics, TimeSpan wall, string config)
{
    string row = $"| {data} | {method} | {metrics.ExactMatch:F1} | {metrics.F1:F1} | {wall.TotalSeconds:F1} s | {config} |";
    Console.WriteLine(row);
    table.Add(row);
}
