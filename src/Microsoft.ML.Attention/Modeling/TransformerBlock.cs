using TorchSharp;
using TorchSharp.Utils;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Modeling;

/// <summary>
/// One transformer layer: self-attention and feed-forward, each inside a residual connection with dropout on the branch.
/// PreNorm: <c>x = x + Attn(Norm(x)); x = x + FFN(Norm(x))</c>. PostNorm: <c>x = Norm(x + Attn(x)); x = Norm(x + FFN(x))</c>.
/// State-dict keys (llama2.c names): <c>attention_norm.*</c>, <c>attention.*</c> (<see cref="MultiHeadAttention"/>),
/// <c>ffn_norm.*</c>, <c>feed_forward.*</c> (<see cref="FeedForward"/>).
/// </summary>
public sealed class TransformerBlock : nn.Module
{
    [ComponentName(Name = "attention_norm")]
    private readonly nn.Module<Tensor, Tensor> attentionNorm;

    [ComponentName(Name = "attention")]
    private readonly MultiHeadAttention attention;

    [ComponentName(Name = "ffn_norm")]
    private readonly nn.Module<Tensor, Tensor> feedForwardNorm;

    [ComponentName(Name = "feed_forward")]
    private readonly FeedForward feedForward;

    [ComponentName(Name = "dropout")]
    private readonly Dropout residualDropout;

    /// <summary>Creates block <paramref name="layerIndex"/>.</summary>
    /// <param name="config">The model configuration; validated here.</param>
    /// <param name="layerIndex">Which block this is, in [0, LayerCount).</param>
    public TransformerBlock(TransformerConfig config, int layerIndex)
        : base(nameof(TransformerBlock))
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Placement = config.NormalizationPlacement;
        attentionNorm = NormalizationLayer.Create(config);
        attention = new MultiHeadAttention(config, layerIndex);
        feedForwardNorm = NormalizationLayer.Create(config);
        feedForward = new FeedForward(config);
        residualDropout = nn.Dropout(config.Dropout);
        RegisterComponents();
    }

    /// <summary>Where this block normalizes.</summary>
    public NormalizationPlacement Placement { get; }

    /// <summary>The self-attention of this block.</summary>
    public MultiHeadAttention Attention => attention;

    /// <summary>The feed-forward layer of this block.</summary>
    public FeedForward FeedForward => feedForward;

    /// <summary>Runs the block.</summary>
    /// <param name="hidden">[B, T, D].</param>
    /// <param name="keyPaddingMask">[B, Tpast + T] bool, true = real token; null = all real.</param>
    /// <param name="causal">Whether a position may not see later ones.</param>
    /// <param name="cache">Optional key/value cache.</param>
    /// <returns>[B, T, D].</returns>
    public Tensor forward(Tensor hidden, Tensor? keyPaddingMask, bool causal, KeyValueCache? cache = null) =>
        Run(hidden, keyPaddingMask, causal, cache, weights: null);

    /// <summary>
    /// Runs the block with its attention on the reference path (<see cref="MultiHeadAttention.ForwardWithWeights"/>) and returns the
    /// attention weights too.
    /// </summary>
    /// <param name="hidden">[B, T, D].</param>
    /// <param name="keyPaddingMask">[B, T] bool, true = real token; null = all real.</param>
    /// <param name="causal">Whether a position may not see later ones.</param>
    /// <returns>Output [B, T, D] and attention weights [B, H, T, T] (float32, each query's row sums to 1 over its visible keys).</returns>
    public (Tensor Output, Tensor Weights) ForwardWithWeights(Tensor hidden, Tensor? keyPaddingMask, bool causal)
    {
        var weights = new List<Tensor>(1);
        var output = Run(hidden, keyPaddingMask, causal, cache: null, weights);
        return (output, weights[0]);
    }

    /// <summary>The block; with <paramref name="weights"/>, attention takes the reference path and its weights are added there.</summary>
    private Tensor Run(Tensor hidden, Tensor? keyPaddingMask, bool causal, KeyValueCache? cache, List<Tensor>? weights)
    {
        using var scope = NewDisposeScope();
        var x = Residual(Placement, hidden, attentionNorm, residualDropout, input => Attend(input, keyPaddingMask, causal, cache, weights));
        x = Residual(Placement, x, feedForwardNorm, residualDropout, feedForward.forward);
        weights?[^1].MoveToOuterDisposeScope();
        return x.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// One residual branch: PreNorm <c>x + Dropout(Sublayer(Norm(x)))</c>, PostNorm <c>Norm(x + Dropout(Sublayer(x)))</c>.
    /// Shared with <see cref="TransformerDecoderBlock"/>.
    /// </summary>
    internal static Tensor Residual(NormalizationPlacement placement, Tensor x, nn.Module<Tensor, Tensor> norm, Dropout dropout, Func<Tensor, Tensor> sublayer) =>
        placement == NormalizationPlacement.PreNorm
            ? x + dropout.forward(sublayer(norm.forward(x)))
            : norm.forward(x + dropout.forward(sublayer(x)));

    private Tensor Attend(Tensor input, Tensor? keyPaddingMask, bool causal, KeyValueCache? cache, List<Tensor>? weights)
    {
        if (weights is null)
        {
            return attention.forward(input, keyPaddingMask, causal, cache);
        }

        var (output, attentionWeights) = attention.ForwardWithWeights(input, keyPaddingMask, causal, cache);
        weights.Add(attentionWeights);
        return output;
    }
}
