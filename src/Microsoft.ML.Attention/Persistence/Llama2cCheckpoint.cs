using System.Runtime.InteropServices;
using Microsoft.ML.Attention.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Persistence;

/// <summary>
/// Imports checkpoints in the format of karpathy/llama2.c's <c>run.c</c> (the legacy "version 0" export, e.g. the
/// tinyllamas stories15M / stories260K files) as a Llama-style <see cref="CausalLanguageModel"/>.
/// </summary>
/// <remarks>
/// <para>Binary format (little-endian):</para>
/// <code>
/// int32 dim, hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size (negative: the classifier is not shared), seq_len
/// float32 token_embedding_table [vocab, dim]
///         rms_att_weight [layers, dim]
///         wq [layers, n_heads*head_size, dim]   wk, wv [layers, n_kv_heads*head_size, dim]   wo [layers, dim, n_heads*head_size]
///         rms_ffn_weight [layers, dim]
///         w1 [layers, hidden, dim]   w2 [layers, dim, hidden]   w3 [layers, hidden, dim]
///         rms_final_weight [dim]
///         freq_cis_real, freq_cis_imag [seq_len, head_size/2] each (skipped: rotary angles are recomputed)
///         wcls [vocab, dim]   (only when vocab_size is negative)
/// </code>
/// <para>
/// Every matrix is stored as [out, in], the layout of a TorchSharp <c>Linear</c> weight. wq, wk and wv become the rows of
/// the fused <c>qkv_proj</c> in that order. run.c rotates interleaved pairs (x[2i], x[2i+1]) of each head by
/// pos * 10000^(-2i/head_size), which is <see cref="RotaryPositionEncoding"/>'s convention, so no permutation is needed.
/// </para>
/// <para>
/// The header is validated before anything is allocated, and the file length must be exactly what the header implies,
/// so a truncated or foreign file is reported as <see cref="InvalidDataException"/> naming the file instead of
/// causing a huge allocation.
/// </para>
/// </remarks>
public static class Llama2cCheckpoint
{
    /// <summary>Reads the configuration a llama2.c checkpoint describes, validating the header and the file length.</summary>
    /// <param name="checkpointPath">Path of the checkpoint (.bin).</param>
    /// <returns>A Llama-style configuration: RmsNorm (eps 1e-5), SwiGlu, Rotary (base 10000), pre-norm, no biases, no dropout,
    /// <see cref="TransformerConfig.TieEmbeddings"/> when the header's vocab_size is positive.</returns>
    /// <exception cref="ArgumentException"><paramref name="checkpointPath"/> is null or empty.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The header is malformed or the file length does not match it; the message names the file.</exception>
    public static TransformerConfig ReadConfig(string checkpointPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(checkpointPath);
        using var stream = File.OpenRead(checkpointPath);
        return ToConfig(Llama2cHeader.Read(stream, checkpointPath));
    }

    /// <summary>Loads a llama2.c checkpoint into a new <see cref="CausalLanguageModel"/> on the CPU, in evaluation mode.</summary>
    /// <param name="checkpointPath">Path of the checkpoint (.bin).</param>
    /// <returns>The model, with the configuration of <see cref="ReadConfig"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="checkpointPath"/> is null or empty.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The header is malformed or the file length does not match it; the message names the file.</exception>
    public static CausalLanguageModel Load(string checkpointPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(checkpointPath);
        using var stream = new FileStream(checkpointPath, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        var header = Llama2cHeader.Read(stream, checkpointPath);
        var model = new CausalLanguageModel(ToConfig(header));
        try
        {
            CopyWeights(stream, header, model);
        }
        catch
        {
            model.Dispose();
            throw;
        }

        model.eval();
        return model;
    }

    private static TransformerConfig ToConfig(Llama2cHeader header) => new()
    {
        VocabularySize = header.VocabularySize,
        ModelDimension = header.Dimension,
        LayerCount = header.LayerCount,
        HeadCount = header.HeadCount,
        KeyValueHeadCount = header.KeyValueHeadCount,
        FeedForwardDimension = header.HiddenDimension,
        MaxSequenceLength = header.SequenceLength,
        Dropout = 0,
        AttentionDropout = 0,
        PositionalEncoding = PositionalEncodingKind.Rotary,
        NormalizationPlacement = NormalizationPlacement.PreNorm,
        Normalization = NormalizationKind.RmsNorm,
        Activation = ActivationKind.SwiGlu,
        UseBias = false,
        TieEmbeddings = header.SharedClassifier,
        NormalizationEpsilon = 1e-5,
        RotaryBase = 10000,
    };

    // Reads the arrays in file order and copies them into the model's parameters.
    private static void CopyWeights(Stream stream, Llama2cHeader header, CausalLanguageModel model)
    {
        int dim = header.Dimension, hidden = header.HiddenDimension, kvDim = header.KeyValueDimension;
        var parameters = model.state_dict();
        Tensor Weight(string key) => parameters.TryGetValue(key, out var p)
            ? p
            : throw new InvalidOperationException($"The model has no parameter '{key}' to receive llama2.c weights.");
        // Each array is [layers, rows, columns] in the file: read and copy one layer at a time.
        void PerLayer(string suffix, int rows, int columns, int firstRow = 0)
        {
            for (int layer = 0; layer < header.LayerCount; layer++)
            {
                Assign(Weight($"backbone.layers.{layer}.{suffix}"), ReadFloats(stream, (long)rows * columns), firstRow, rows, columns);
            }
        }

        using var noGrad = torch.no_grad();
        Assign(Weight("backbone.token_embedding.weight"), ReadFloats(stream, (long)header.VocabularySize * dim), 0, header.VocabularySize, dim);
        PerLayer("attention_norm.weight", 1, dim);
        PerLayer("attention.qkv_proj.weight", dim, dim);                      // wq: rows [0, D)
        PerLayer("attention.qkv_proj.weight", kvDim, dim, firstRow: dim);     // wk: rows [D, D + Dkv)
        PerLayer("attention.qkv_proj.weight", kvDim, dim, firstRow: dim + kvDim); // wv: rows [D + Dkv, D + 2 Dkv)
        PerLayer("attention.out_proj.weight", dim, dim);
        PerLayer("ffn_norm.weight", 1, dim);
        PerLayer("feed_forward.w1.weight", hidden, dim);
        PerLayer("feed_forward.w2.weight", dim, hidden);
        PerLayer("feed_forward.w3.weight", hidden, dim);
        Assign(Weight("backbone.final_norm.weight"), ReadFloats(stream, dim), 0, 1, dim);
        stream.Seek((long)header.SequenceLength * header.HeadSize * sizeof(float), SeekOrigin.Current); // freq_cis_real, freq_cis_imag
        if (!header.SharedClassifier)
        {
            Assign(Weight("lm_head.weight"), ReadFloats(stream, (long)header.VocabularySize * dim), 0, header.VocabularySize, dim);
        }
    }

    // Copies values [rows, columns] into rows [firstRow, firstRow + rows) of target (a vector when rows is 1 and target is 1-D).
    private static void Assign(Tensor target, float[] values, int firstRow, int rows, int columns)
    {
        using var source = torch.tensor(values, ScalarType.Float32);
        if (target.dim() == 1)
        {
            target.copy_(source);
            return;
        }

        using var rowsOfTarget = target.narrow(0, firstRow, rows);
        using var shaped = source.view(rows, columns); // [rows, columns]
        rowsOfTarget.copy_(shaped);
    }

    // The length check of the header guarantees that count fits both the file and an array.
    private static float[] ReadFloats(Stream stream, long count)
    {
        var values = new float[count];
        stream.ReadExactly(MemoryMarshal.AsBytes(values.AsSpan()));
        if (!BitConverter.IsLittleEndian)
        {
            var raw = MemoryMarshal.Cast<float, int>(values.AsSpan());
            for (int i = 0; i < raw.Length; i++)
            {
                raw[i] = System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(raw[i]);
            }
        }

        return values;
    }
}
