// Extractive question answering on SQuAD v1.1: train on train-subset-du2017.json (11,877 questions), report the official
// exact match and F1 on the full dev-v1.1.json (10,570 questions).
// Usage: dotnet run -c Release --project benchmarks/QuestionAnsweringBenchmark -- [sections]
//   sections: baseline (the SQuAD paper's sliding-window baseline; no training; the default set).
using System.Diagnostics;
using Microsoft.ML.Attention;
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

Console.WriteLine();
Console.WriteLine(string.Join(Environment.NewLine, table));
Console.WriteLine($"total {total.Elapsed.TotalSeconds:F1} s");

void Report(string data, string method, SquadMetrics metrics, TimeSpan wall, string config)
{
    string row = $"| {data} | {method} | {metrics.ExactMatch:F1} | {metrics.F1:F1} | {wall.TotalSeconds:F1} s | {config} |";
    Console.WriteLine(row);
    table.Add(row);
}
