using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Tasks;
using Microsoft.ML.Attention.Persistence;
using Microsoft.ML.Attention.Tokenization;
using Microsoft.ML.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Benchmarks;

/// <summary>
/// Sentence-embedding throughput of <c>Transform</c> at <see cref="InferencePrecision.Float32"/> and
/// <see cref="InferencePrecision.BFloat16"/>, on one BERT-style encoder (4 layers, 4 heads, 256 dimensions, context 128, WordPiece
/// with the bert-base-uncased vocabulary, mean pooling) and the first 1,000 sentences of SST-2's training split, and the largest
/// difference between the two precisions' embeddings.
/// </summary>
/// <remarks>
/// The weights are random (N(0, 0.02), the library's initialization): speed does not depend on them, and both transformers run the
/// same weights. Each precision gets one warm-up pass, then three timed passes over all rows; the table gives the fastest.
/// </remarks>
internal static class EmbeddingSpeed
{
    private const int Rows = 1000;
    private const int TimedPasses = 3;

    public static void Run(string datasets)
    {
        var ml = new MLContext(seed: 1);
        var tokenizer = TextTokenizer.CreateWordPiece(Path.Combine(datasets, "vocab", "bert-base-uncased", "vocab.txt"));
        var config = new TransformerConfig
        {
            VocabularySize = tokenizer.VocabularySize,
            ModelDimension = 256,
            LayerCount = 4,
            HeadCount = 4,
            MaxSequenceLength = 128,
            Dropout = 0,
            AttentionDropout = 0,
        };
        var sentences = File.ReadLines(Path.Combine(datasets, "classification", "sst2", "train.tsv"))
            .Skip(1)
            .Select(line => line.Split('\t')[0].Trim())
            .Take(Rows)
            .ToList();
        var data = ml.Data.LoadFromEnumerable(sentences.Select(s => new SentenceRow { Text = s }).ToList());
        double meanTokens = sentences.Average(s => Math.Min(tokenizer.Encode(s).Length + 2, config.MaxSequenceLength));

        manual_seed(1);
        using var reference = Encoder(ml, tokenizer, config, InferencePrecision.Float32, source: null);
        using var fast = Encoder(ml, tokenizer, config, InferencePrecision.BFloat16, source: reference.Model.Network);
        Console.WriteLine($"model: {reference.Model.Network.parameters().Sum(p => p.numel()):N0} parameters (random weights), " +
            $"{Rows} SST-2 sentences, mean {meanTokens:F1} tokens with [CLS]/[SEP], batch {reference.InferenceBatchSize}, " +
            $"torch threads {get_num_threads()}");

        var (float32Seconds, expected) = Measure(reference, data);
        var (bfloat16Seconds, actual) = Measure(fast, data);

        double largestDifference = 0, smallestCosine = 1, meanNorm = 0;
        for (int row = 0; row < expected.Length; row++)
        {
            largestDifference = Math.Max(largestDifference, expected[row].Zip(actual[row], (e, a) => Math.Abs((double)e - a)).Max());
            smallestCosine = Math.Min(smallestCosine, Cosine(expected[row], actual[row]));
            meanNorm += Math.Sqrt(expected[row].Sum(v => (double)v * v)) / expected.Length;
        }

        Console.WriteLine();
        Console.WriteLine("| precision | best of 3 passes | rows/s | speed-up |");
        Console.WriteLine("|---|---|---|---|");
        Console.WriteLine($"| Float32 | {float32Seconds:F2} s | {Rows / float32Seconds:F0} | 1.0x |");
        Console.WriteLine($"| BFloat16 | {bfloat16Seconds:F2} s | {Rows / bfloat16Seconds:F0} | {float32Seconds / bfloat16Seconds:F1}x |");
        Console.WriteLine();
        Console.WriteLine($"BFloat16 against Float32 over {Rows} rows: max abs diff {largestDifference:G3} (mean embedding norm {meanNorm:F2}), " +
            $"min cosine {smallestCosine:F6}");
    }

    // A mean-pooling embedding transformer; with a source network, its weights are copied from it.
    private static TransformerTextTransformer Encoder(MLContext ml, TextTokenizer tokenizer, TransformerConfig config,
        InferencePrecision precision, nn.Module? source)
    {
        var spec = new MaskedLanguageModelingSpec("Text", "Embedding", PoolingKind.Mean);
        var network = spec.CreateNetwork(config);
        if (source is not null)
        {
            using (no_grad())
                network.load_state_dict(source.state_dict());
        }
        network.eval();
        return new TransformerTextTransformer(ml, spec.Bind(config, tokenizer, network, CPU), inferenceBatchSize: 32, InferenceSettings.OnTorchSharp(precision));
    }

    private static (double BestSeconds, float[][] Embeddings) Measure(TransformerTextTransformer transformer, IDataView data)
    {
        var embeddings = Read(transformer, data);   // warm-up
        double best = double.MaxValue;
        for (int pass = 0; pass < TimedPasses; pass++)
        {
            var watch = Stopwatch.StartNew();
            embeddings = Read(transformer, data);
            double seconds = watch.Elapsed.TotalSeconds;
            best = Math.Min(best, seconds);
            Console.WriteLine($"  {transformer.InferencePrecision}, pass {pass + 1}: {seconds:F2} s");
        }
        return (best, embeddings);
    }

    private static float[][] Read(TransformerTextTransformer transformer, IDataView data) =>
        transformer.Transform(data).GetColumn<float[]>("Embedding").ToArray();

    private static double Cosine(float[] a, float[] b)
    {
        double dot = 0, normA = 0, normB = 0;
        for (int i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            normA += (double)a[i] * a[i];
            normB += (double)b[i] * b[i];
        }
        return dot / Math.Sqrt(normA * normB);
    }

    private sealed class SentenceRow
    {
        public string Text { get; set; } = "";
    }
}
