using Microsoft.ML.Attention.Tokenization;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Tasks;

/// <summary>Runs a model's backbone on one text with the reference attention path and copies out every layer's attention weights.</summary>
internal static class AttentionWeightsReader
{
    /// <summary>The weights of <paramref name="model"/> for <paramref name="text"/> (and <paramref name="secondText"/> of a pair).</summary>
    public static AttentionWeights Read(TaskModel model, string text, string? secondText)
    {
        ArgumentNullException.ThrowIfNull(text);
        bool causal = model.Spec.IsDecoder;
        if (causal && secondText is not null)
            throw new ArgumentException($"A decoder ({model.Task}) reads one text; secondText must be null.", nameof(secondText));
        int maxLength = model.Config.MaxSequenceLength;
        var batch = causal
            ? BatchEncoder.EncodeForDecoder(model.Tokenizer, [text], maxLength)
            : BatchEncoder.EncodeForEncoder(model.Tokenizer, [text], maxLength, secondText is null ? null : [secondText]);
        int length = batch.Lengths[0];
        var ids = batch.InputIds.Take(length).ToArray();
        var tokens = ids.Select(id => model.Tokenizer.Decode([(int)id], skipSpecialTokens: false)).ToList();

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var inputIds = tensor(ids, dtype: ScalarType.Int64, device: model.Device).reshape(1, length); // [1, T]
        var tokenTypes = tensor(batch.TokenTypeIds.Take(length).ToArray(), dtype: ScalarType.Int64, device: model.Device).reshape(1, length); // [1, T]
        var (_, layers) = model.Backbone.ForwardWithAttentionWeights(inputIds, attentionMask: null, causal, tokenTypes); // L x [1, H, T, T]
        var stacked = stack(layers.Select(w => w[0]).ToArray()).to(ScalarType.Float32).cpu(); // [L, H, T, T]
        int layerCount = (int)stacked.shape[0];
        int headCount = (int)stacked.shape[1];
        var values = stacked.contiguous().data<float>().ToArray();
        var weights = new float[layerCount, headCount, length, length];
        Buffer.BlockCopy(values, 0, weights, 0, values.Length * sizeof(float));
        return new AttentionWeights(tokens, weights);
    }
}
