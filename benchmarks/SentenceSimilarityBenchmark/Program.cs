// Sentence similarity / retrieval on aligned Bible verses (datasets/parallel/bible): each verse of the test books in one translation
// ranks all verses of those books in another; the same verse is the relevant one. Recall@1 and MRR through InformationRetrievalEvaluator.
// Usage: dotnet run -c Release --project benchmarks/SentenceSimilarityBenchmark -- [sections] [options]
//   sections: zero-shot (all-MiniLM-L6-v2 through ImportEncoder, and the TF-IDF cosine baseline; the default),
//   finetune (all-MiniLM-L6-v2 fine-tuned on the training books' KJV → RV1909 pairs directly through SentenceEmbeddingTrainer);
//   finetune-task (the same fine-tune through the public pipeline: Transforms.AttentionEncoder with TransformerTask.SentenceEmbedding,
//   InitialModel = all-MiniLM-L6-v2, evaluated through AsEmbeddingGenerator());
//   rerank (retrieve-then-rerank on KJV → RV1909: the bi-encoder of finetune-task, run in the same process or loaded with
//   --bi-encoder PATH, retrieves the top --retrieve N (20) and a cross-encoder fitted from all-MiniLM-L6-v2 on mined pairs reranks them).
//   finetune and finetune-task options: --steps N (150), --batch N (32), --mini-batch N (0 = plain loss; N = the cached loss with forward passes of N),
//   --lr X (5e-5), --max-tokens N (128), --symmetric, --bf16 (bfloat16 matrix products in training; the cross-encoder's too);
//   finetune-task only: --pairs rv1909|both (rv1909; both = KJV ↔ RV1909 and KJV ↔ WEB pairs in one shuffled set, mixed batches),
//   --web-share X (0.5: the share of KJV ↔ WEB rows with --pairs both), --save-bi-encoder PATH (saves the fitted .zip).
//   rerank options: --bi-encoder PATH, --cross-steps N (500), --cross-batch N (16), --cross-lr X (1e-4), --cross-max-tokens N (128),
//   --mined N (2000 training verses: N positives and their hard negatives), --negatives N (3 per positive), --retrieve N (20),
//   --cross-initial PATH (the cross-encoder's initial model: a saved .zip such as the bi-encoder; default all-MiniLM-L6-v2).
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

// The pipeline's training log (steps, losses, warnings) for the sections that fit through it.
ml.Log += (_, e) =>
{
    if (e.Kind is Microsoft.ML.Runtime.ChannelMessageKind.Info or Microsoft.ML.Runtime.ChannelMessageKind.Warning)
        Console.WriteLine($"  {DateTime.Now:HH:mm:ss} {e.Message}");
};

TransformerTextTransformer? biEncoder = null;
if (sections.Contains("finetune-task"))
{
    string pairs = Option("--pairs", "rv1909");
    double webShare = pairs switch
    {
        "rv1909" => 0,
        "both" => double.Parse(Option("--web-share", "0.5"), CultureInfo.InvariantCulture),
        _ => throw new ArgumentException($"--pairs must be rv1909 or both; it is '{pairs}'."),
    };
    string how = webShare == 0 ? "through the pipeline" : string.Create(CultureInfo.InvariantCulture, $"and KJV → WEB ({webShare:P0} of the rows, mixed batches) through the pipeline");
    biEncoder = TaskFineTune.Run(ml, Bible.Split(verses, "train"), tasks, run, webShare, (task, metrics, trained) => Report(task, Described(how), metrics, trained));
    if (Option("--save-bi-encoder", "") is { Length: > 0 } savePath)
    {
        ml.Model.Save(biEncoder, null, savePath);
        Console.WriteLine($"Saved the bi-encoder: {savePath}");
    }
}

var rerankTable = new List<string> { "| KJV → RV1909 (test books) | queries | recall@1 | recall@3 | recall@10 | MRR@10 | recall@k (k retrieved) | cost per query |", "|---|---|---|---|---|---|---|---|" };
if (sections.Contains("rerank"))
{
    if (Option("--bi-encoder", "") is { Length: > 0 } loadPath)
    {
        biEncoder?.Dispose();
        biEncoder = (TransformerTextTransformer)ml.Model.Load(loadPath, out _);
    }
    if (biEncoder is null)
        throw new ArgumentException("The rerank section needs a bi-encoder: run finetune-task in the same command, or give --bi-encoder PATH.");
    var rerank = new RetrieveThenRerank.Settings(
        Steps: int.Parse(Option("--cross-steps", "500"), CultureInfo.InvariantCulture),
        BatchSize: int.Parse(Option("--cross-batch", "16"), CultureInfo.InvariantCulture),
        LearningRate: double.Parse(Option("--cross-lr", "1e-4"), CultureInfo.InvariantCulture),
        MaxTokens: int.Parse(Option("--cross-max-tokens", "128"), CultureInfo.InvariantCulture),
        MinedVerses: int.Parse(Option("--mined", "2000"), CultureInfo.InvariantCulture),
        Negatives: int.Parse(Option("--negatives", "3"), CultureInfo.InvariantCulture),
        RetrieveCount: int.Parse(Option("--retrieve", "20"), CultureInfo.InvariantCulture),
        BFloat16: run.BFloat16,
        InitialModel: Option("--cross-initial", "") is { Length: > 0 } crossInitial ? crossInitial : null);
    RetrieveThenRerank.Run(ml, biEncoder, Bible.Split(verses, "train"), tasks[0], rerank, (method, metrics, cost) =>
    {
        rerankTable.Add(string.Create(CultureInfo.InvariantCulture,
            $"| {method} | {metrics.QueryCount} | {metrics.Recall[1]:P1} | {metrics.Recall[3]:P1} | {metrics.Recall[10]:P1} | {metrics.Mrr[10]:F3} | {metrics.Recall[rerank.RetrieveCount]:P1} | {cost} |"));
        Console.WriteLine(rerankTable[^1]);
    });
}
biEncoder?.Dispose();

foreach (var lines in new[] { table, rerankTable }.Where(t => t.Count > 2))
{
    Console.WriteLine();
    foreach (string line in lines)
        Console.WriteLine(line);
}
