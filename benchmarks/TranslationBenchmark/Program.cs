// Translation benchmark: King James English -> Reina-Valera 1909 Spanish on aligned Bible verses (datasets/parallel/bible/verses.tsv;
// test = Jonah, Esth, Phil, Titus, 1Pet; dev = Joel, Col; train = the rest). Prints, for the test books, corpus BLEU (sacreBLEU's
// defaults) and chrF2 of: copying the source; IBM Model 1 word-for-word; the encoder-decoder trained from scratch, with beam search
// (through Transform) and greedy; the learning curve (dev greedy BLEU after every epoch); decoding cost per verse, cached vs uncached.
// Usage: dotnet run -c Release --project benchmarks/TranslationBenchmark -- [baselines] [scratch] [options]
//   sections: baselines (copy, IBM Model 1; the default when none is named), scratch (train and evaluate the encoder-decoder);
//   scratch options: --vocab N (8000), --dim N (256), --layers N (3, encoder and decoder each), --heads N (4), --ffn N (1024),
//   --max-length N (160 tokens), --dropout X (0.1), --epochs N (6), --batch N (64 pairs), --lr X (1e-3), --warmup X (0.05 of the steps),
//   --label-smoothing X (0.1), --bf16, --beam N (4), --length-penalty X (1.0), --timing-verses N (48), --ibm-iterations N (5),
//   --train-pairs N (all), --max-minutes X (training time budget, 600; training stops before the next step), --save PATH (the trained pipeline as an ML.NET .zip, e.g. for the cross-attention pictures).
using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Attention;
using Microsoft.ML.Attention.Benchmarks;
using Microsoft.ML.Attention.Generation;
using Microsoft.ML.Data;

var sections = args.TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal)).ToHashSet();
if (sections.Count == 0)
    sections = ["baselines"];
string Option(string name, string fallback) => args.SkipWhile(a => a != name).Skip(1).DefaultIfEmpty(fallback).First();
int Int(string name, int fallback) => int.Parse(Option(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
double Real(string name, double fallback) => double.Parse(Option(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

var total = Stopwatch.StartNew();
void Log(string line) => Console.WriteLine($"  {DateTime.UtcNow:HH:mm:ss} {line}");
Console.WriteLine($"Translation benchmark (KJV -> RV1909); {Environment.ProcessorCount} cores; torch threads {TorchSharp.torch.get_num_threads()}; " +
    $"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
var verses = Bible.Read();
List<(string Source, string Target)> Pairs(string split) =>
    [.. Bible.Split(verses, split).Where(v => v.Kjv.Length > 0 && v.Rv1909.Length > 0).Select(v => (v.Kjv, v.Rv1909))];
var train = Pairs("train").Take(Int("--train-pairs", int.MaxValue)).ToList();
var dev = Pairs("dev");
var test = Pairs("test");
var references = test.Select(p => (string?)p.Target).ToList();
Console.WriteLine($"train {train.Count} pairs, dev {dev.Count} ({string.Join(", ", Bible.DevBooks)}), test {test.Count} ({string.Join(", ", Bible.TestBooks)})");

var table = new List<string> { "| method (test books, KJV -> RV1909) | BLEU | chrF2 | BLEU precisions 1/2/3/4 | brevity penalty | time |", "|---|---|---|---|---|---|" };
void Report(string method, IReadOnlyList<string> hypotheses, TimeSpan elapsed)
{
    var m = TranslationEvaluator.Evaluate(hypotheses.Cast<string?>().ToList(), references);
    table.Add(string.Create(CultureInfo.InvariantCulture,
        $"| {method} | {m.Bleu:F2} | {m.ChrF:F2} | {string.Join("/", m.Precisions.Select(p => p.ToString("F1", CultureInfo.InvariantCulture)))} | {m.BrevityPenalty:F3} | {elapsed.TotalSeconds:F0} s |"));
    Console.WriteLine(table[^1]);
}

if (sections.Contains("baselines"))
{
    Report("copy the English source", test.Select(p => p.Source).ToList(), TimeSpan.Zero);
    var watch = Stopwatch.StartNew();
    int iterations = Int("--ibm-iterations", 5);
    var ibm = IbmModel1.Train(train, iterations, Log);
    Report($"IBM Model 1 word for word ({iterations} EM iterations, 13a words, cased)", test.Select(p => ibm.Translate(p.Source)).ToList(), watch.Elapsed);
}

var curveTable = new List<string>();
var timingTable = new List<string>();
if (sections.Contains("scratch"))
{
    var ml = new MLContext(seed: 1);
    var run = new ScratchTranslation.Settings(
        VocabularySize: Int("--vocab", 8000), Dimension: Int("--dim", 256), Layers: Int("--layers", 3), Heads: Int("--heads", 4),
        FeedForward: Int("--ffn", 1024), MaxLength: Int("--max-length", 160), Dropout: Real("--dropout", 0.1), Epochs: Int("--epochs", 6),
        BatchSize: Int("--batch", 64), LearningRate: Real("--lr", 1e-3), WarmupFraction: Real("--warmup", 0.05),
        LabelSmoothing: Real("--label-smoothing", 0.1), BFloat16: args.Contains("--bf16"), BeamSize: Int("--beam", 4),
        LengthPenalty: (float)Real("--length-penalty", 1.0), TimingVerses: Int("--timing-verses", 48), MaxMinutes: Real("--max-minutes", 600));
    Console.WriteLine($"Training from scratch: {run}");
    var trained = ScratchTranslation.Train(ml, train, dev, run, Log);
    using var transformer = trained.Transformer;
    string described = string.Create(CultureInfo.InvariantCulture,
        $"{run.Layers}+{run.Layers} layers, d {run.Dimension}, {run.Heads} heads, ffn {run.FeedForward}, {trained.Parameters / 1e6:F1} M parameters, BPE {trained.Vocabulary}, " +
        $"{run.Epochs} epochs ({trained.Steps}{(trained.StoppedByBudget ? $" of {trained.PlannedSteps}, stopped by the time budget" : "")} steps of {run.BatchSize} pairs, {trained.TrainingTime.TotalMinutes:F0} min training{(run.BFloat16 ? ", bf16" : "")})");

    // Beam search through the public Transform (the settings the spec saved), then greedy with the same network.
    var testView = ml.Data.LoadFromEnumerable(test.Select(p => new VersePair { English = p.Source, Spanish = p.Target }));
    var watch = Stopwatch.StartNew();
    var beamed = transformer.Transform(testView).GetColumn<string>("Translation").ToList();
    Report($"encoder-decoder from scratch, beam {run.BeamSize} through Transform ({described})", beamed, watch.Elapsed);
    var generator = new SequenceToSequenceGenerator(trained.Network, trained.Tokenizer, trained.Tokenizer);
    var greedyOptions = new GenerationOptions { MaxNewTokens = run.MaxLength, Temperature = 0f };
    watch.Restart();
    Report("the same model, greedy", ScratchTranslation.Translate(generator, test.Select(p => p.Source).ToList(), greedyOptions, null), watch.Elapsed);
    for (int i = 0; i < 3; i++)
        Console.WriteLine($"  KJV:    {test[i].Source}\n  RV1909: {test[i].Target}\n  model:  {beamed[i]}");

    curveTable.Add("| epoch | step | last training loss | dev greedy BLEU | dev chrF2 | elapsed |");
    curveTable.Add("|---|---|---|---|---|---|");
    foreach (var p in trained.Curve)
        curveTable.Add(string.Create(CultureInfo.InvariantCulture, $"| {p.Epoch} | {p.Step} | {p.TrainingLoss:F4} | {p.DevBleu:F2} | {p.DevChrF:F2} | {p.Elapsed.TotalMinutes:F1} min |"));

    // Decoding cost per verse, one verse at a time and in batches of 32, with and without the key/value caches.
    timingTable.Add("| decoding (first N test verses) | verses | cached ms/verse | uncached ms/verse | uncached / cached | same output |");
    timingTable.Add("|---|---|---|---|---|---|");
    var timed = test.Take(run.TimingVerses).Select(p => p.Source).ToList();
    foreach (var (name, search) in new (string, BeamSearchOptions?)[] { ("greedy", null), ($"beam {run.BeamSize}", new BeamSearchOptions { BeamSize = run.BeamSize, LengthPenalty = run.LengthPenalty }) })
    {
        foreach (bool oneAtATime in new[] { true, false })
        {
            var cost = new Dictionary<bool, (double Ms, List<string> Output)>();
            foreach (bool cached in new[] { true, false })
            {
                var options = new GenerationOptions { MaxNewTokens = run.MaxLength, Temperature = 0f, UseKeyValueCache = cached };
                var w = Stopwatch.StartNew();
                var output = oneAtATime
                    ? timed.Select(s => generator.Generate([s], options, search)[0]).ToList()
                    : ScratchTranslation.Translate(generator, timed, options, search);
                cost[cached] = (w.Elapsed.TotalMilliseconds / timed.Count, output);
            }
            timingTable.Add(string.Create(CultureInfo.InvariantCulture,
                $"| {name}, {(oneAtATime ? "one verse at a time" : "batches of 32")} | {timed.Count} | {cost[true].Ms:F1} | {cost[false].Ms:F1} | {cost[false].Ms / cost[true].Ms:F2}x | {(cost[true].Output.SequenceEqual(cost[false].Output) ? "yes" : "no")} |"));
            Console.WriteLine(timingTable[^1]);
        }
    }

    if (Option("--save", "") is { Length: > 0 } save)
    {
        ml.Model.Save(transformer, testView.Schema, save);
        Console.WriteLine($"Saved the trained pipeline to {save}");
    }
}

Console.WriteLine();
foreach (string line in table.Concat(curveTable.Count > 0 ? ["", .. curveTable] : []).Concat(timingTable.Count > 0 ? ["", .. timingTable] : []))
    Console.WriteLine(line);
Console.WriteLine($"\nWhole run: {total.Elapsed.TotalMinutes:F1} min");
return 0;

/// <summary>A verse pair as the Transform reads it.</summary>
internal sealed class VersePair
{
    public string English { get; set; } = "";
    public string Spanish { get; set; } = "";
}
