using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Persistence;
using TorchSharp;

namespace Microsoft.ML.Attention.Tests.Persistence;

public sealed class Llama2cCheckpointTests : IDisposable
{
    // dim, hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size (negative = own classifier), seq_len
    private static readonly int[] TinyHeader = { 8, 12, 2, 4, 2, -20, 16 };

    private readonly string _folder = Directory.CreateTempSubdirectory("llama2c-tests-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Config_of_stories260K_is_the_published_llama_style_shape()
    {
        var config = Llama2cCheckpoint.ReadConfig(StoriesPath());

        Assert.Equal(512, config.VocabularySize);
        Assert.Equal(64, config.ModelDimension);
        Assert.Equal(5, config.LayerCount);
        Assert.Equal(8, config.HeadCount);
        Assert.Equal(4, config.KeyValueHeadCount);
        Assert.Equal(172, config.FeedForwardDimension);
        Assert.Equal(512, config.MaxSequenceLength);
        Assert.Equal(PositionalEncodingKind.Rotary, config.PositionalEncoding);
        Assert.Equal(NormalizationKind.RmsNorm, config.Normalization);
        Assert.Equal(ActivationKind.SwiGlu, config.Activation);
        Assert.Equal(NormalizationPlacement.PreNorm, config.NormalizationPlacement);
        Assert.False(config.UseBias);
        Assert.True(config.TieEmbeddings);
        Assert.Equal(0, config.Dropout);
        Assert.Equal(0, config.AttentionDropout);
        Assert.Equal(1e-5, config.NormalizationEpsilon);
    }

    [Theory]
    [InlineData(-20)]
    [InlineData(20)]
    public void Imported_model_matches_a_plain_loop_llama2c_forward(int vocabSize)
    {
        int[] header = (int[])TinyHeader.Clone();
        header[5] = vocabSize;
        float[] weights = RandomWeights(header, seed: 11);
        string path = Write("tiny.bin", header, weights);
        int[] tokens = { 1, 5, 7, 3, 19, 2, 11 };
        var reference = new Llama2cReferenceForward(header, weights);
        float[][] expected = tokens.Select(reference.Forward).ToArray();

        using var model = Llama2cCheckpoint.Load(path);
        model.eval();
        using var noGrad = torch.no_grad();
        using var input = torch.tensor(tokens.Select(t => (long)t).ToArray()).unsqueeze(0); // [1, T]
        using var logits = model.forward(input);                                            // [1, T, V]

        Assert.Equal(new long[] { 1, tokens.Length, 20 }, logits.shape);
        float[] actual = logits.data<float>().ToArray();
        for (int t = 0; t < tokens.Length; t++)
        {
            for (int v = 0; v < 20; v++)
            {
                Assert.True(Math.Abs(expected[t][v] - actual[(t * 20) + v]) < 1e-4, $"position {t}, token {v}: {expected[t][v]} vs {actual[(t * 20) + v]}");
            }
        }
    }

    [Fact]
    public void Truncated_checkpoint_is_rejected_naming_the_file()
    {
        byte[] bytes = File.ReadAllBytes(StoriesPath());
        string path = Path.Combine(_folder, "truncated.bin");
        File.WriteAllBytes(path, bytes.AsSpan(0, bytes.Length - 100).ToArray());

        var error = Assert.Throws<InvalidDataException>(() => Llama2cCheckpoint.Load(path));

        Assert.Contains(path, error.Message);
        Assert.Contains("truncated", error.Message);
    }

    [Fact]
    public void Checkpoint_with_trailing_bytes_is_rejected_naming_the_file()
    {
        string path = Write("long.bin", TinyHeader, RandomWeights(TinyHeader, seed: 1).Append(0f).ToArray());

        var error = Assert.Throws<InvalidDataException>(() => Llama2cCheckpoint.ReadConfig(path));

        Assert.Contains(path, error.Message);
        Assert.Contains("requires exactly", error.Message);
    }

    [Theory]
    [InlineData(0, 10, "dim = 10, not a multiple of n_heads = 4")]
    [InlineData(4, 3, "n_heads = 4, not a multiple of n_kv_heads = 3")]
    [InlineData(2, -1, "n_layers = -1")]
    [InlineData(0, int.MaxValue, "dim = 2147483647")]
    [InlineData(1, 0, "hidden_dim = 0")]
    [InlineData(5, int.MinValue, "vocab_size = -2147483648")]
    [InlineData(6, 1 << 30, "seq_len = 1073741824")]
    public void Bad_header_is_rejected_before_any_allocation_naming_the_file_and_field(int field, int value, string expected)
    {
        int[] header = (int[])TinyHeader.Clone();
        header[field] = value;
        string path = Write("bad.bin", header, new float[16]);

        var error = Assert.Throws<InvalidDataException>(() => Llama2cCheckpoint.Load(path));

        Assert.Contains(path, error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Odd_head_size_is_rejected_because_rotary_pairs_need_an_even_one()
    {
        int[] header = { 6, 12, 2, 2, 1, 20, 16 }; // head size 3
        string path = Write("odd.bin", header, new float[16]);

        var error = Assert.Throws<InvalidDataException>(() => Llama2cCheckpoint.ReadConfig(path));

        Assert.Contains(path, error.Message);
        Assert.Contains("head size dim / n_heads = 3", error.Message);
    }

    [Fact]
    public void File_shorter_than_the_header_is_rejected_naming_the_file()
    {
        string path = Path.Combine(_folder, "short.bin");
        File.WriteAllBytes(path, new byte[10]);

        var error = Assert.Throws<InvalidDataException>(() => Llama2cCheckpoint.ReadConfig(path));

        Assert.Contains(path, error.Message);
        Assert.Contains("shorter than the 28-byte header", error.Message);
    }

    private string Write(string name, int[] header, float[] weights)
    {
        string path = Path.Combine(_folder, name);
        using var writer = new BinaryWriter(File.Create(path));
        foreach (int value in header)
        {
            writer.Write(value);
        }

        foreach (float value in weights)
        {
            writer.Write(value);
        }

        return path;
    }

    // Random weights of the right count; rms weights near 1, the unused freq_cis block filled with a value that would show if read.
    private static float[] RandomWeights(int[] header, int seed)
    {
        int dim = header[0], hidden = header[1], layers = header[2], vocab = Math.Abs(header[5]);
        int headSize = dim / header[3], kvDim = header[4] * headSize;
        var rng = new Random(seed);
        var weights = new List<float>();
        void Add(int count, float center, float spread)
        {
            for (int i = 0; i < count; i++)
            {
                weights.Add(center + (spread * (float)((rng.NextDouble() * 2) - 1)));
            }
        }

        Add(vocab * dim, 0, 1);              // token_embedding_table
        Add(layers * dim, 1, 0.2f);          // rms_att_weight
        Add(layers * dim * dim, 0, 0.4f);    // wq
        Add(layers * kvDim * dim, 0, 0.4f);  // wk
        Add(layers * kvDim * dim, 0, 0.4f);  // wv
        Add(layers * dim * dim, 0, 0.4f);    // wo
        Add(layers * dim, 1, 0.2f);          // rms_ffn_weight
        Add(layers * hidden * dim, 0, 0.4f); // w1
        Add(layers * dim * hidden, 0, 0.4f); // w2
        Add(layers * hidden * dim, 0, 0.4f); // w3
        Add(dim, 1, 0.2f);                   // rms_final_weight
        Add(header[6] * headSize, 1e6f, 0);  // freq_cis_real, freq_cis_imag (skipped by the importer)
        if (header[5] < 0)
        {
            Add(vocab * dim, 0, 1);          // wcls
        }

        return weights.ToArray();
    }

    private static string StoriesPath() => TestData.Path("weights", "stories260K", "stories260K.bin");
}
