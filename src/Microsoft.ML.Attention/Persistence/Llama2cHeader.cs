using System.Buffers.Binary;

namespace Microsoft.ML.Attention.Persistence;

/// <summary>
/// The 7-int32 header of a llama2.c (version 0, "run.c") checkpoint, validated against the file's length before any weight is read.
/// </summary>
internal sealed record Llama2cHeader
{
    /// <summary>Size of the header in bytes: 7 little-endian int32.</summary>
    public const int ByteCount = 7 * sizeof(int);

    // Upper bounds far above any llama2.c model (Llama-2 70B: dim 8192, hidden 28672, 80 layers, 64 heads, vocab 32000),
    // so that a corrupt header is reported as such instead of being multiplied into absurd sizes.
    private const int MaxDimension = 1 << 16;
    private const int MaxHiddenDimension = 1 << 20;
    private const int MaxLayerCount = 4096;
    private const int MaxVocabularySize = 1 << 24;
    private const int MaxSequenceLength = 1 << 24;

    /// <summary>Model dimension (dim).</summary>
    public required int Dimension { get; init; }

    /// <summary>Feed-forward hidden dimension (hidden_dim).</summary>
    public required int HiddenDimension { get; init; }

    /// <summary>Number of transformer blocks (n_layers).</summary>
    public required int LayerCount { get; init; }

    /// <summary>Number of query heads (n_heads).</summary>
    public required int HeadCount { get; init; }

    /// <summary>Number of key/value heads (n_kv_heads).</summary>
    public required int KeyValueHeadCount { get; init; }

    /// <summary>Vocabulary size (the absolute value of the header's vocab_size).</summary>
    public required int VocabularySize { get; init; }

    /// <summary>Whether the classifier shares the token-embedding matrix (header vocab_size &gt; 0).</summary>
    public required bool SharedClassifier { get; init; }

    /// <summary>Maximum sequence length (seq_len).</summary>
    public required int SequenceLength { get; init; }

    /// <summary>Size of one head: Dimension / HeadCount.</summary>
    public int HeadSize => Dimension / HeadCount;

    /// <summary>Width of the key and value projections: KeyValueHeadCount * HeadSize.</summary>
    public int KeyValueDimension => KeyValueHeadCount * HeadSize;

    /// <summary>The number of float32 values after the header, in long arithmetic (no overflow for valid headers).</summary>
    public long FloatCount
    {
        get
        {
            long d = Dimension, h = HiddenDimension, l = LayerCount, v = VocabularySize, kv = KeyValueDimension;
            long count = v * d                 // token_embedding_table
                + l * d                        // rms_att_weight
                + l * d * d                    // wq
                + 2 * l * kv * d               // wk, wv
                + l * d * d                    // wo
                + l * d                        // rms_ffn_weight
                + 3 * l * h * d                // w1, w2, w3
                + d                            // rms_final_weight
                + (long)SequenceLength * HeadSize; // freq_cis_real, freq_cis_imag: 2 * seq_len * head_size / 2
            return SharedClassifier ? count : count + v * d; // wcls
        }
    }

    /// <summary>The exact length a checkpoint with this header must have, in bytes.</summary>
    public long ExpectedFileLength => ByteCount + (4 * FloatCount);

    /// <summary>Reads and validates the header of <paramref name="stream"/> (positioned at 0) against its length.</summary>
    /// <param name="stream">The checkpoint, seekable; left positioned just after the header.</param>
    /// <param name="path">The file name, for error messages.</param>
    /// <exception cref="InvalidDataException">The header is malformed or the length does not match it; the message names the file.</exception>
    public static Llama2cHeader Read(Stream stream, string path)
    {
        long length = stream.Length;
        if (length < ByteCount)
        {
            throw Invalid(path, $"it is {length} bytes long, shorter than the {ByteCount}-byte header");
        }

        var bytes = new byte[ByteCount];
        stream.ReadExactly(bytes);
        int Field(int i) => BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(i * sizeof(int), sizeof(int)));
        int dim = Field(0), hiddenDim = Field(1), layers = Field(2), heads = Field(3), kvHeads = Field(4), vocab = Field(5), seqLen = Field(6);

        CheckRange(path, "dim", dim, MaxDimension);
        CheckRange(path, "hidden_dim", hiddenDim, MaxHiddenDimension);
        CheckRange(path, "n_layers", layers, MaxLayerCount);
        CheckRange(path, "n_heads", heads, dim);
        CheckRange(path, "n_kv_heads", kvHeads, heads);
        if (vocab == int.MinValue)
        {
            throw Invalid(path, $"its header has vocab_size = {vocab}");
        }

        CheckRange(path, "vocab_size (absolute value)", Math.Abs(vocab), MaxVocabularySize);
        CheckRange(path, "seq_len", seqLen, MaxSequenceLength);
        if (dim % heads != 0)
        {
            throw Invalid(path, $"its header has dim = {dim}, not a multiple of n_heads = {heads}");
        }

        if (heads % kvHeads != 0)
        {
            throw Invalid(path, $"its header has n_heads = {heads}, not a multiple of n_kv_heads = {kvHeads}");
        }

        if (dim / heads % 2 != 0)
        {
            throw Invalid(path, $"its head size dim / n_heads = {dim / heads} is odd; rotary positions need an even head size");
        }

        var header = new Llama2cHeader
        {
            Dimension = dim,
            HiddenDimension = hiddenDim,
            LayerCount = layers,
            HeadCount = heads,
            KeyValueHeadCount = kvHeads,
            VocabularySize = Math.Abs(vocab),
            SharedClassifier = vocab > 0,
            SequenceLength = seqLen,
        };
        if (length != header.ExpectedFileLength)
        {
            throw Invalid(
                path,
                $"it is {length} bytes long but its header (dim {dim}, hidden_dim {hiddenDim}, n_layers {layers}, n_heads {heads}, " +
                $"n_kv_heads {kvHeads}, vocab_size {vocab}, seq_len {seqLen}) requires exactly {header.ExpectedFileLength} bytes " +
                (length < header.ExpectedFileLength ? "(truncated file?)" : "(trailing data, or not a version-0 llama2.c checkpoint?)"));
        }

        return header;
    }

    private static void CheckRange(string path, string field, int value, int max)
    {
        if (value <= 0 || value > max)
        {
            throw Invalid(path, $"its header has {field} = {value}, outside [1, {max}]");
        }
    }

    private static InvalidDataException Invalid(string path, string what) =>
        new($"'{path}' is not a valid llama2.c checkpoint: {what}.");
}
