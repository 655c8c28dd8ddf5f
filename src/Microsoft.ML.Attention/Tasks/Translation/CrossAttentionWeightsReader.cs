using Microsoft.ML.Attention.Generation;
using Microsoft.ML.Attention.Modeling;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Tasks;

/// <summary>
/// Runs an encoder–decoder on one source and a target (given, or the model's own translation) with the reference attention path and
/// copies out every decoder layer's cross-attention [H, T, S].
/// </summary>
internal static class CrossAttentionWeightsReader
{
    /// <summary>The cross-attention of <paramref name="model"/> for <paramref name="source"/> and <paramref name="target"/> (null: translate first).</summary>
    /// <exception cref="InvalidOperationException">The model is not an encoder–decoder (the message names its task).</exception>
    public static CrossAttentionWeights Read(TaskModel model, string source, string? target)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (model is not TaskModel<EncoderDecoderModel> { Spec: TranslationSpec spec } typed)
        {
            throw new InvalidOperationException(
                $"Cross-attention weights need an encoder–decoder ({nameof(TransformerTask)}.{nameof(TransformerTask.Translation)}); this transformer was trained for {model.Task}. " +
                $"Use {nameof(TransformerTextTransformer.GetAttentionWeights)} for its self-attention.");
        }

        var network = typed.Network;
        var tokenizer = typed.Tokenizer;
        var generator = new SequenceToSequenceGenerator(network, tokenizer, tokenizer);
        var sourceIds = generator.EncodeSource(source);
        // The decoder reads [Bos] + target and predicts target + [Eos]; the content is cut so that the input fits its positions.
        IReadOnlyList<int> targetIds = target is null
            ? generator.GenerateIds([sourceIds], spec.Generation, spec.Search)[0]
            : SequencePairFormat.Target(tokenizer, target, network.DecoderConfig.MaxSequenceLength)[1..^1];
        targetIds = targetIds.Take(network.DecoderConfig.MaxSequenceLength - 1).ToList();
        int[] decoderInput = [tokenizer.Special.Bos, .. targetIds];
        int[] written = [.. targetIds, tokenizer.Special.Eos];

        bool wasTraining = network.training;
        network.eval();
        try
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var sourceTensor = tensor(sourceIds.Select(i => (long)i).ToArray(), dtype: ScalarType.Int64, device: typed.Device).reshape(1, sourceIds.Count);   // [1, S]
            var targetTensor = tensor(decoderInput.Select(i => (long)i).ToArray(), dtype: ScalarType.Int64, device: typed.Device).reshape(1, decoderInput.Length); // [1, T]
            var weights = network.ForwardWithAttentionWeights(sourceTensor, sourceMask: null, targetTensor);
            var stacked = stack(weights.Cross.Select(w => w[0]).ToArray()).to(ScalarType.Float32).cpu().contiguous();                      // [L, H, T, S]
            var values = stacked.data<float>().ToArray();
            var result = new float[stacked.shape[0], stacked.shape[1], decoderInput.Length, sourceIds.Count];
            Buffer.BlockCopy(values, 0, result, 0, values.Length * sizeof(float));
            return new CrossAttentionWeights(Tokens(tokenizer, [.. sourceIds]), Tokens(tokenizer, written), result);
        }
        finally
        {
            network.train(wasTraining);
        }
    }

    // Each token as the text it adds to the decoded prefix, so word-initial pieces keep their space (" tierra") and the tokens
    // concatenate to the text; a token that ends inside a multi-byte character (byte fallback) shows as it decodes alone.
    private static List<string> Tokens(Tokenization.TextTokenizer tokenizer, int[] ids)
    {
        var tokens = new List<string>(ids.Length);
        string previous = string.Empty;
        for (int i = 0; i < ids.Length; i++)
        {
            string prefix = tokenizer.Decode(ids[..(i + 1)], skipSpecialTokens: false);
            tokens.Add(prefix.StartsWith(previous, StringComparison.Ordinal) && prefix.Length > previous.Length
                ? prefix[previous.Length..]
                : tokenizer.Decode([ids[i]], skipSpecialTokens: false));
            previous = prefix;
        }
        return tokens;
    }
}
