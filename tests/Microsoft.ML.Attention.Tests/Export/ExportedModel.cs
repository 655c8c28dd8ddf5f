using Microsoft.ML.Attention.Tokenization;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Microsoft.ML.Attention.Tests.Export;

/// <summary>
/// An exported .onnx file scored by ONNX Runtime (1.31.1) on the library's own encoded batches (the file is deleted on
/// <see cref="Dispose"/>), and comparison helpers.
/// </summary>
internal sealed class ExportedModel : IDisposable
{
    private readonly InferenceSession _session;

    public ExportedModel(string path)
    {
        Path = path;
        _session = new InferenceSession(path);
    }

    public string Path { get; }

    /// <summary>The graph's input names, in order.</summary>
    public IReadOnlyList<string> InputNames => [.. _session.InputMetadata.Keys];

    /// <summary>Runs the graph on <paramref name="batch"/> and returns the named outputs, flattened (row-major).</summary>
    public Dictionary<string, float[]> Run(EncodedBatch batch, params string[] outputs) => Run(batch, new Dictionary<string, long[]>(), outputs);

    /// <summary>
    /// As <see cref="Run(EncodedBatch, string[])"/>, with more [batch, sequence] int64 inputs of the task's own (token classification's
    /// <c>word_shape_ids</c>), by name.
    /// </summary>
    public Dictionary<string, float[]> Run(EncodedBatch batch, IReadOnlyDictionary<string, long[]> moreInputs, params string[] outputs)
    {
        int[] shape = [batch.BatchSize, batch.SequenceLength];
        var inputs = new List<NamedOnnxValue>
        {
            NamedOnnxValue.CreateFromTensor("input_ids", new DenseTensor<long>(batch.InputIds, shape)),
            NamedOnnxValue.CreateFromTensor("attention_mask", new DenseTensor<long>(batch.AttentionMask, shape)),
            NamedOnnxValue.CreateFromTensor("token_type_ids", new DenseTensor<long>(batch.TokenTypeIds, shape)),
        };
        inputs.AddRange(moreInputs.Select(input => NamedOnnxValue.CreateFromTensor(input.Key, new DenseTensor<long>(input.Value, shape))));
        using var results = _session.Run(inputs, outputs);
        return results.ToDictionary(r => r.Name, r => r.AsTensor<float>().ToArray());
    }

    public void Dispose()
    {
        _session.Dispose();
        File.Delete(Path);
    }

    /// <summary>A fresh path for an exported file in the test's temporary folder.</summary>
    public static string TempPath(string name) =>
        System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"mlattention-export-{Environment.ProcessId}-{Guid.NewGuid():N}-{name}.onnx");

    /// <summary>max |a - b| over all values; the arrays must have equal length.</summary>
    public static double MaxDifference(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        double worst = 0;
        for (int i = 0; i < expected.Length; i++)
            worst = Math.Max(worst, Math.Abs(expected[i] - actual[i]));
        return worst;
    }

    /// <summary>max |a - b| over the positions of real tokens of a [B, T, width] pair of arrays (padding rows carry no meaning).</summary>
    public static double MaxDifferenceAtRealTokens(EncodedBatch batch, float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        int width = expected.Length / batch.AttentionMask.Length;
        double worst = 0;
        for (int position = 0; position < batch.AttentionMask.Length; position++)
        {
            if (batch.AttentionMask[position] == 0)
                continue;
            for (int i = position * width; i < (position + 1) * width; i++)
                worst = Math.Max(worst, Math.Abs(expected[i] - actual[i]));
        }
        return worst;
    }

    /// <summary>200 real sentences: the first 100 yelp reviews and the first 100 SST-2 test sentences.</summary>
    public static string[] Sentences(int count = 200) => [.. File.ReadLines(TestData.Path("classification", "uci-sentiment", "yelp_labelled.txt")).Take(100)
        .Concat(File.ReadLines(TestData.Path("classification", "sst2", "test.tsv")).Skip(1).Take(100))
        .Select(line => line.Split('\t')[0])
        .Take(count)];

    /// <summary><paramref name="texts"/> in batches of <paramref name="size"/>.</summary>
    public static IEnumerable<string[]> Batches(IReadOnlyList<string> texts, int size)
    {
        for (int start = 0; start < texts.Count; start += size)
            yield return texts.Skip(start).Take(size).ToArray();
    }
}
