using TorchSharp;
using TorchSharp.Utils;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Modeling;

/// <summary>
/// One decoder block of an encoder-decoder transformer ("Attention Is All You Need", figure 1, right): causal self-attention over the
/// target, cross-attention from the target onto the encoder's output (the memory), and the feed-forward network, each on a residual
/// branch with dropout. The parts are those of <see cref="TransformerBlock"/>: <see cref="MultiHeadAttention"/> (the cross-attention is
/// the same class built with <c>crossAttention: true</c>), <see cref="FeedForward"/> and the configured normalization.
/// PreNorm: <c>x = x + SelfAttn(Norm(x)); x = x + CrossAttn(Norm(x), memory); x = x + FFN(Norm(x))</c>.
/// PostNorm: <c>x = Norm(x + SelfAttn(x)); x = Norm(x + CrossAttn(x, memory)); x = Norm(x + FFN(x))</c>.
/// State-dict keys: <c>attention_norm.*</c>, <c>attention.*</c> (self-attention), <c>cross_attention_norm.*</c>,
/// <c>cross_attention.*</c> (its <c>qkv_proj</c> rows: queries applied to the target, keys and values to the memory),
/// <c>ffn_norm.*</c>, <c>feed_forward.*</c>.
/// </summary>
public sealed class TransformerDecoderBlock : nn.Module
{
    [ComponentName(Name = "attention_norm")]
    private readonly nn.Module<Tensor, Tensor> selfAttentionNorm;

    [ComponentName(Name = "attention")]
    private readonly MultiHeadAttention selfAttention;

    [ComponentName(Name = "cross_attention_norm")]
    private readonly nn.Module<Tensor, Tensor> crossAttentionNorm;

    [ComponentName(Name = "cross_attention")]
    private readonly MultiHeadAttention crossAttention;

    [ComponentName(Name = "ffn_norm")]
    private readonly nn.Module<Tensor, Tensor> feedForwardNorm;

    [ComponentName(Name = "feed_forward")]
    private readonly FeedForward feedForward;

    [ComponentName(Name = "dropout")]
    private readonly Dropout residualDropout;

    /// <summary>Creates decoder block <paramref name="layerIndex"/>.</summary>
    /// <param name="config">The decoder's configuration; validated here.</param>
    /// <param name="layerIndex">Which block this is, in [0, LayerCount).</param>
    /// <exception cref="ArgumentException">The configuration is invalid or <paramref name="layerIndex"/> is out of range.</exception>
    public TransformerDecoderBlock(TransformerConfig config, int layerIndex)
        : base(nameof(TransformerDecoderBlock))
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Placement = config.NormalizationPlacement;
        selfAttentionNorm = NormalizationLayer.Create(config);
        selfAttention = new MultiHeadAttention(config, layerIndex, crossAttention: false);
        crossAttentionNorm = NormalizationLayer.Create(config);
        crossAttention = new MultiHeadAttention(config, layerIndex, crossAttention: true);
        feedForwardNorm = NormalizationLayer.Create(config);
        feedForward = new FeedForward(config);
        residualDropout = nn.Dropout(config.Dropout);
        RegisterComponents();
    }

    /// <summary>Where this block normalizes.</summary>
    public NormalizationPlacement Placement { get; }

    /// <summary>The causal self-attention over the target.</summary>
    public MultiHeadAttention SelfAttention => selfAttention;

    /// <summary>The cross-attention from the target onto the encoder's output.</summary>
    public MultiHeadAttention CrossAttention => crossAttention;

    /// <summary>The feed-forward layer.</summary>
    public FeedForward FeedForward => feedForward;

    /// <summary>Runs the block.</summary>
    /// <param name="hidden">[B, T, D] the target's hidden states (the new positions only, with a cache).</param>
    /// <param name="memory">[B, S, D] the encoder's output; may be null once <paramref name="cache"/> holds the cross-attention keys and values.</param>
    /// <param name="memoryPaddingMask">[B, S] (true or 1 = real source token) or null = all real.</param>
    /// <param name="cache">Optional cache: self-attention keys and values are appended, cross-attention ones computed once.</param>
    /// <returns>[B, T, D].</returns>
    public Tensor forward(Tensor hidden, Tensor? memory, Tensor? memoryPaddingMask, EncoderDecoderCache? cache = null) =>
        Run(hidden, memory, memoryPaddingMask, cache, weights: null);

    /// <summary>Runs the block with both attentions on the reference path and returns their weights too.</summary>
    /// <param name="hidden">[B, T, D] the target's hidden states.</param>
    /// <param name="memory">[B, S, D] the encoder's output.</param>
    /// <param name="memoryPaddingMask">[B, S] (true or 1 = real) or null.</param>
    /// <returns>Output [B, T, D], self-attention weights [B, H, T, T] and cross-attention weights [B, H, T, S] (float32).</returns>
    public (Tensor Output, Tensor SelfWeights, Tensor CrossWeights) ForwardWithWeights(Tensor hidden, Tensor memory, Tensor? memoryPaddingMask)
    {
        ArgumentNullException.ThrowIfNull(memory);
        var weights = new List<Tensor>(2);
        var output = Run(hidden, memory, memoryPaddingMask, cache: null, weights);
        return (output, weights[0], weights[1]);
    }

    /// <summary>The block; with <paramref name="weights"/>, both attentions take the reference path and add their weights there.</summary>
    private Tensor Run(Tensor hidden, Tensor? memory, Tensor? memoryPaddingMask, EncoderDecoderCache? cache, List<Tensor>? weights)
    {
        using var scope = NewDisposeScope();
        var x = TransformerBlock.Residual(Placement, hidden, selfAttentionNorm, residualDropout, input => AttendSelf(input, cache, weights));
        x = TransformerBlock.Residual(Placement, x, crossAttentionNorm, residualDropout, input => AttendMemory(input, memory, memoryPaddingMask, cache, weights));
        x = TransformerBlock.Residual(Placement, x, feedForwardNorm, residualDropout, feedForward.forward);
        weights?.ForEach(w => w.MoveToOuterDisposeScope());
        return x.MoveToOuterDisposeScope();
    }

    // The target is never padded on the left and right padding only follows the real tokens, so causal masking alone suffices.
    private Tensor AttendSelf(Tensor input, EncoderDecoderCache? cache, List<Tensor>? weights)
    {
        if (weights is null)
        {
            return selfAttention.forward(input, null, causal: true, cache?.SelfAttention);
        }

        var (output, selfWeights) = selfAttention.ForwardWithWeights(input, null, causal: true);
        weights.Add(selfWeights);
        return output;
    }

    private Tensor AttendMemory(Tensor input, Tensor? memory, Tensor? memoryPaddingMask, EncoderDecoderCache? cache, List<Tensor>? weights)
    {
        if (weights is null)
        {
            return crossAttention.forward(input, memory, memoryPaddingMask, cache?.CrossAttention);
        }

        var (output, crossWeights) = crossAttention.ForwardCrossWithWeights(input, memory, memoryPaddingMask);
        weights.Add(crossWeights);
        return output;
    }
}
