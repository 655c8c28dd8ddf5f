// Sentence similarity / retrieval on aligned Bible verses (datasets/parallel/bible): each verse of the test books in one translation
// ranks all verses of those books in another; the same verse is the relevant one. Recall@1 and MRR through InformationRetrievalEvaluator.
// Usage: dotnet run -c Release --project benchmarks/SentenceSimilarityBenchmark -- [sections] [options]
//   sections: zero-shot (all-MiniLM-L6-v2 through ImportEncoder, and the TF-IDF cosine baseline; the default),
//   finetune (all-MiniLM-L6-v2 fine-tuned on the training books' KJV → RV1909 pairs directly through SentenceEmbeddingTrainer);
//   finetune-task (the same fine-tune through the public pipeline: Transforms.AttentionEncoder with TransformerTask.SentenceEmbedding,
//   InitialModel = all-MiniLM-L6-v2, evaluated through AsEmbeddingGenerator());
//   finetune and finetune-task options: --steps N (150), --batch N (32), --mini-batch N (0 = plain loss; N = the cached loss with forward passes of N),
//   --lr X (5e-5), --max-tokens N (128), --symmetric, --bf16 (bfloat16 matrix products in training).
using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Attention;
using Microsoft.ML.Attention.Benchmarks;

var sections = args.TakeWhile(a => !a.StartsWith("--")).ToHashSet();
if (sections.Count == 0)
    sections = ["zero-shot"];
string Option(string name, string fallback) => args.SkipWhile(a => a != name).Skip(1).DefaultIfEmpty(fallback).First();

var ml = new MLContext(seed: 1);
var verses = Bible.Read();
var test = Bible.Split(verses, "test");
RetrievalTask[] tasks =
[
    new("KJV → RV1909", test, v => v.Kjv, v => v.Rv1909),
    new("KJV → WEB", test, v => v.Kjv, v => v.Web),
];
var table = new List<string> { "| task (test books) | method | queries | recall@1 | recall@10 | MRR@10 | MRR (full ranking) | wall time |", "|---|---|---|---|---|---|---|---|" };
Console.WriteLine($"Sentence similarity benchmark; {Environment.ProcessorCount} cores; torch threads {TorchSharp.torch.get_num_threads()}; test books {string.Join(", ", Bible.TestBooks)}");

void Report(string task, string method, InformationRetrievalMetrics metrics, TimeSpan elapsed)
{
    int all = metrics.Mrr.Keys.Max();
    table.Add(string.Create(CultureInfo.InvariantCulture,
        $"| {task} | {method} | {metrics.QueryCount} | {metrics.Recall[1]:P1} | {metrics.Recall[10]:P1} | {metrics.Mrr[10]:F3} | {metrics.Mrr[all]:F3} | {elapsed.TotalSeconds:F0} s |"));
    Console.WriteLine(table[^1]);
}

if (sections.Contains("zero-shot"))
{
    foreach (var task in tasks)
    {
        var watch = Stopwatch.StartNew();
        Report(task.Name, "TF-IDF cosine (FeaturizeText word unigrams, TF-IDF, L2)", TfIdfBaseline.Evaluate(ml, task), watch.Elapsed);
    }
    using var generator = ml.Transforms.ImportEncoder(MiniLm.ModelPath, MiniLm.VocabularyPath).AsEmbeddingGenerator(ownsTransformer: true);
    foreach (var task in tasks)
    {
        var watch = Stopwatch.StartNew();
        Report(task.Name, "all-MiniLM-L6-v2 zero-shot (ImportEncoder, mean pooling, L2)", await task.Evaluator.EvaluateAsync(generator), watch.Elapsed);
    }
}

var run = new DirectFineTune.Settings(
    Steps: int.Parse(Option("--steps", "150"), CultureInfo.InvariantCulture),
    BatchSize: int.Parse(Option("--batch", "32"), CultureInfo.InvariantCulture),
    MiniBatchSize: int.Parse(Option("--mini-batch", "0"), CultureInfo.InvariantCulture),
    LearningRate: double.Parse(Option("--lr", "5e-5"), CultureInfo.InvariantCulture),
    MaxTokens: int.Parse(Option("--max-tokens", "128"), CultureInfo.InvariantCulture),
    Symmetric: args.Contains("--symmetric"),
    BFloat16: args.Contains("--bf16"));
string Described(string how) =>
    $"all-MiniLM-L6-v2 fine-tuned on KJV → RV1909 {how} ({run.Steps} steps of {run.BatchSize} pairs{(run.MiniBatchSize > 0 ? $", cached {run.MiniBatchSize}" : "")}{(run.Symmetric ? ", symmetric" : "")}{(run.BFloat16 ? ", bf16" : "")}, {run.MaxTokens} tokens)";

if (sections.Contains("finetune"))
    DirectFineTune.Run(Bible.Split(verses, "train"), tasks, run, (task, metrics, trained) => Report(task, Described("directly"), metrics, trained));

if (sections.Contains("finetune-task"))
    TaskFineTune.Run(ml, Bible.Split(verses, "train"), tasks, run, (task, metrics, trained) => Report(task, Described("through the pipeline"), metrics, trained));

Console.WriteLine();
foreach (string line in table)
    Console.WriteLine(line);
