// Text classification: Microsoft.ML.Attention vs ML.NET's FeaturizeText + SDCA, same splits, same run.
// Usage: dotnet run -c Release --project benchmarks/ClassificationBenchmark -- [sections] [--sst2-rows N] [--keep-native-memory false]
//   sections: yelp, sst2, sst2-mlm (from scratch / self-pretrained; the default set), yelp-pretrained, yelp-embeddings,
//   sst2-pretrained (from the imported all-MiniLM-L6-v2), encoder-speed (Transform rows/s against ONNX Runtime),
//   onnx-parity (ExportToOnnx: ONNX Runtime vs Transform, re-import), onnx-speed (the exported all-MiniLM-L6-v2 under ONNX Runtime vs Transform),
//   onnx-engines (Transform on TorchSharp fp32/bf16 and on the ONNX Runtime engine fp32/fused/int8, and the standalone OnnxRuntimeForward loop on
//   the standard, fused and int8 graphs: rows/s, latency, ratios, kernels, int8 cosine), onnx-memory (resident memory of a loaded model and its ONNX Runtime engine at
//   --memory-precision Int8|Float32; run it alone, once per precision),
//   onnx-profile (ONNX Runtime's per-operator kernel time for each graph, one thread);
//   --sst2-rows: SST-2 training phrases for the transformer runs (default 20000);
//   --progress: print training progress lines (every 100 steps of the pretrained runs);
//   --keep-native-memory false: train with glibc's default allocator behaviour (RetainFreedMemory = false), for the A/B figure;
//   --training-precision BFloat16: the transformer runs train with bfloat16 matrix products (TrainingPrecision; default Float32).
using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Attention;
using Microsoft.ML.Attention.Benchmarks;
using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Tokenization;

var sections = args.Where(a => !a.StartsWith("--") && !int.TryParse(a, out _)).ToHashSet();
if (sections.Count == 0)
    sections = ["yelp", "sst2", "sst2-mlm"];
int sst2Rows = args.SkipWhile(a => a != "--sst2-rows").Skip(1).Select(int.Parse).DefaultIfEmpty(20000).First();
bool retainFreedMemory = args.SkipWhile(a => a != "--keep-native-memory").Skip(1).Select(bool.Parse).DefaultIfEmpty(true).First();
var trainingPrecision = args.SkipWhile(a => a != "--training-precision").Skip(1).Select(Enum.Parse<TrainingPrecision>).DefaultIfEmpty(TrainingPrecision.Float32).First();

var ml = new MLContext(seed: 1);
if (args.Contains("--progress"))
    ml.Log += (_, e) => { if (e.Message.Contains("step") || e.Message.Contains("parameters")) Console.WriteLine($"  {DateTime.Now:HH:mm:ss} {e.Message}"); };
var table = new List<string> { "| data | method | accuracy | wall time | config |", "|---|---|---|---|---|" };
var total = Stopwatch.StartNew();
Console.WriteLine($"Microsoft.ML.Attention classification benchmark; {Environment.ProcessorCount} cores; torch threads {TorchSharp.torch.get_num_threads()}");

if (sections.Contains("yelp"))
{
    var rows = Datasets.Yelp();
    var split = ml.Data.TrainTestSplit(ml.Data.LoadFromEnumerable(rows), testFraction: 0.2, seed: 1);
    Report("UCI yelp (800/200, seed 1)", split.TrainSet, split.TestSet, Transformer(epochs: 8, batch: 16, lr: 1e-3), "from scratch");
}

if (sections.Contains("yelp-pretrained") || sections.Contains("yelp-embeddings"))
{
    var rows = Datasets.Yelp();
    var split = ml.Data.TrainTestSplit(ml.Data.LoadFromEnumerable(rows), testFraction: 0.2, seed: 1);
    if (sections.Contains("yelp-pretrained"))
        Report("UCI yelp (800/200, seed 1)", split.TrainSet, split.TestSet, FromMiniLm(epochs: 4, batch: 16, lr: 5e-5), "fine-tuned from the imported all-MiniLM-L6-v2");
    if (sections.Contains("yelp-embeddings"))
        PretrainedEmbeddings.Compare(ml, split.TrainSet, split.TestSet, table);
}

if (sections.Contains("sst2-pretrained"))
{
    var all = Datasets.Sst2("train").ToArray();
    new Random(1).Shuffle(all);
    var train = ml.Data.LoadFromEnumerable(all.Take(sst2Rows));
    var test = ml.Data.LoadFromEnumerable(Datasets.Sst2("test"));
    string rowsNote = sst2Rows < all.Length ? $"{sst2Rows} of {all.Length} training phrases (seed 1)" : $"all {all.Length} training phrases";
    Report($"SST-2 ({rowsNote}; test 872)", train, test, FromMiniLm(epochs: 1, batch: 32, lr: 5e-5), "fine-tuned from the imported all-MiniLM-L6-v2",
        baselineTrain: ml.Data.LoadFromEnumerable(all));
}

if (sections.Contains("onnx-parity"))
{
    var split = ml.Data.TrainTestSplit(ml.Data.LoadFromEnumerable(Datasets.Yelp()), testFraction: 0.2, seed: 1);
    OnnxExportCheck.Parity(ml, Datasets.Sst2("train").Take(1000).Select(r => r.Text).ToArray(), split.TrainSet, Transformer(epochs: 2, batch: 16, lr: 1e-3), table);
}

if (sections.Contains("onnx-speed"))
    OnnxExportCheck.Speed(ml, Datasets.Sst2("train").Take(1000).Select(r => r.Text).ToArray(), table);

if (sections.Contains("onnx-engines"))
    OnnxEngines.Run(ml, Datasets.Sst2("train").Take(1000).Select(r => r.Text).ToArray(), table);

if (sections.Contains("onnx-memory"))
    OnnxEngines.Memory(ml, args.SkipWhile(a => a != "--memory-precision").Skip(1).Select(Enum.Parse<InferencePrecision>).DefaultIfEmpty(InferencePrecision.Int8).First(), table);

if (sections.Contains("onnx-profile"))
    OnnxEngines.Profile(ml, Datasets.Sst2("train").Take(1000).Select(r => r.Text).ToArray(), table);

if (sections.Contains("encoder-speed"))
    PretrainedEmbeddings.Speed(ml, Datasets.Sst2("train").Take(1000).Select(r => r.Text).ToArray(), table);

if (sections.Contains("sst2") || sections.Contains("sst2-mlm"))
{
    var train = Datasets.Sst2("train");
    var test = ml.Data.LoadFromEnumerable(Datasets.Sst2("test"));
    var shuffled = train.ToArray();
    new Random(1).Shuffle(shuffled);
    var sampled = shuffled.Take(sst2Rows).ToList();
    var trainView = ml.Data.LoadFromEnumerable(sampled);
    string rowsNote = sst2Rows < train.Count ? $"{sst2Rows} of {train.Count} training phrases (seed 1)" : $"all {train.Count} training phrases";
    if (sections.Contains("sst2"))
    {
        Report($"SST-2 ({rowsNote}; test 872)", trainView, test, Transformer(epochs: 2, batch: 32, lr: 1e-3), "from scratch",
            baselineTrain: ml.Data.LoadFromEnumerable(train));
    }
    if (sections.Contains("sst2-mlm"))
    {
        var watch = Stopwatch.StartNew();
        var corpus = sampled.Select(r => r.Text).Concat(Datasets.WikiText().Take(2000)).ToList();
        // One masked-LM epoch over the corpus (the head runs only on the ~15% selected positions, so a step is cheap).
        var mlm = Transformer(epochs: 1, batch: 32, lr: 1e-3);
        mlm.Task = TransformerTask.MaskedLanguageModeling;
        using var encoder = ml.Transforms.AttentionEncoder(mlm).Fit(ml.Data.LoadFromEnumerable(corpus.Select(t => new SentimentRow { Text = t })));
        Console.WriteLine($"MLM pretraining on {corpus.Count} rows: {watch.Elapsed.TotalSeconds:F0} s");
        var fine = Transformer(epochs: 2, batch: 32, lr: 1e-3);
        fine.InitialModel = encoder;
        Report($"SST-2 ({rowsNote}; test 872)", trainView, test, fine,
            $"MLM 1 epoch, batch {mlm.BatchSize}, over {corpus.Count} rows (the SST-2 training phrases + 2000 WikiText-2 lines), then fine-tuned as above", pretrainSeconds: watch.Elapsed.TotalSeconds);
    }
}

Console.WriteLine();
Console.WriteLine(string.Join(Environment.NewLine, table));
Console.WriteLine($"Total wall time {total.Elapsed.TotalMinutes:F1} min");
return;

TransformerTextOptions FromMiniLm(int epochs, int batch, double lr) => new()
{
    Task = TransformerTask.TextClassification,
    InitialModel = MiniLm.ModelPath,
    VocabularyPath = MiniLm.VocabularyPath,
    MaxSequenceLength = 128,
    Epochs = epochs,
    BatchSize = batch,
    LearningRate = lr,
    WeightDecay = 0.01,
    Seed = 1,
    LogEverySteps = 100,
    Device = TransformerDevice.Cpu,
    RetainFreedMemory = retainFreedMemory,
    TrainingPrecision = trainingPrecision,
};

TransformerTextOptions Transformer(int epochs, int batch, double lr) => new()
{
    RetainFreedMemory = retainFreedMemory,
    TrainingPrecision = trainingPrecision,
    Task = TransformerTask.TextClassification,
    Tokenizer = TokenizerKind.WordPiece,
    VocabularyPath = Datasets.BertVocabulary,
    Model = new TransformerConfig { ModelDimension = 64, LayerCount = 1, HeadCount = 2, MaxSequenceLength = 64, Dropout = 0.1, AttentionDropout = 0.1 },
    Epochs = epochs,
    BatchSize = batch,
    LearningRate = lr,
    WeightDecay = 0.01,
    Seed = 1,
    LogEverySteps = 0,
    Device = TransformerDevice.Cpu,
};

void Report(string data, IDataView train, IDataView test, TransformerTextOptions options, string note, IDataView? baselineTrain = null, double pretrainSeconds = 0)
{
    var watch = Stopwatch.StartNew();
    var baseline = ml.Transforms.Text.FeaturizeText("Features", "Text")
        .Append(ml.BinaryClassification.Trainers.SdcaLogisticRegression())
        .Fit(baselineTrain ?? train);
    double baselineAccuracy = ml.BinaryClassification.Evaluate(baseline.Transform(test)).Accuracy;
    table.Add($"| {data} | FeaturizeText + SdcaLogisticRegression | {baselineAccuracy:P2} | {watch.Elapsed.TotalSeconds:F0} s | defaults{(baselineTrain is null ? "" : ", all training phrases")} |");
    Console.WriteLine(table[^1]);

    watch.Restart();
    using var model = ml.Transforms.AttentionEncoder(options).Fit(train);
    var metrics = ml.BinaryClassification.Evaluate(model.Transform(test));
    double accuracy = metrics.Accuracy;
    var m = model.Config;
    string config = $"{note}; WordPiece (bert-base-uncased), D={m.ModelDimension}, {m.LayerCount} layer(s), {m.HeadCount} heads, T<={m.MaxSequenceLength}, "
        + $"{options.Epochs} epochs, batch {options.BatchSize}, lr {options.LearningRate}, dropout {m.Dropout}, RetainFreedMemory {options.RetainFreedMemory}, TrainingPrecision {options.TrainingPrecision}; test log-loss {metrics.LogLoss:F6}, AUC {metrics.AreaUnderRocCurve:F6}";
    table.Add($"| {data} | Microsoft.ML.Attention TextClassification | {accuracy:P2} | {watch.Elapsed.TotalSeconds + pretrainSeconds:F0} s | {config} |");
    Console.WriteLine(table[^1]);
}
