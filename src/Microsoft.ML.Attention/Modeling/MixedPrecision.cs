using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Modeling;

/// <summary>
/// Mixed-precision matrix products for training, written by hand because TorchSharp has no <c>torch.autocast</c>. Inside
/// <see cref="Enter"/> (a thread-local scope, as autocast's is), <see cref="Linear(Linear, Tensor)"/> casts its input and the
/// layer's float32 weight to the compute type (bfloat16) and multiplies in it; outside, it is the layer's own <c>forward</c>.
/// </summary>
/// <remarks>
/// Why this design rather than a bfloat16 working copy of the network: the parameters stay the float32 masters, the cast of a
/// weight is part of the autograd graph, so backward hands float32 gradients to the float32 parameters and the optimizer, the
/// gradient clipping, the saved weights and early stopping's best-weights copy are untouched; there is no second network to keep
/// in step. The cost is one cast of each weight per forward (a weight is D x F values; a batch's activations are B T x D).
/// What runs in bfloat16: the projections of attention and feed-forward, the attention itself (its inputs come out of the
/// bfloat16 projection; libtorch's CPU <c>scaled_dot_product_attention</c> kernel accumulates the softmax in float32, and the
/// reference path computes in float32), the activation between the feed-forward's products, and the language-model heads'
/// products. What stays float32: the embeddings and the residual stream (a bfloat16 branch added to it is promoted to float32),
/// every normalization (its input is the residual stream, or a head's activation cast back), the logits handed to the loss,
/// the loss, the small classification and span heads, and the optimizer's state. The same policy as autocast's on CPU.
/// </remarks>
internal static class MixedPrecision
{
    [ThreadStatic]
    private static ScalarType? computeTypeOnThread;

    /// <summary>The compute type of matrix products on this thread: null = the weights' own type (no casts).</summary>
    public static ScalarType? ComputeType => computeTypeOnThread;

    /// <summary>Runs matrix products in <paramref name="computeType"/> on this thread until the result is disposed; null changes nothing.</summary>
    public static Scope Enter(ScalarType? computeType)
    {
        var previous = computeTypeOnThread;
        if (computeType is not null)
            computeTypeOnThread = computeType;
        return new Scope(previous);
    }

    /// <summary>The layer applied to <paramref name="input"/>, in the compute type inside <see cref="Enter"/>.</summary>
    /// <param name="layer">A linear layer with weight [Out, In] (and bias [Out]).</param>
    /// <param name="input">[..., In].</param>
    /// <returns>[..., Out], in the compute type inside <see cref="Enter"/>, else the layer's own output.</returns>
    public static Tensor Linear(Linear layer, Tensor input) => Linear(input, layer.weight!, layer.bias);

    /// <summary><c>input W^T + bias</c>, in the compute type inside <see cref="Enter"/>.</summary>
    /// <param name="input">[..., In].</param>
    /// <param name="weight">[Out, In].</param>
    /// <param name="bias">[Out] or null.</param>
    /// <returns>[..., Out].</returns>
    public static Tensor Linear(Tensor input, Tensor weight, Tensor? bias = null)
    {
        if (computeTypeOnThread is not { } type || weight.dtype == type)
            return nn.functional.linear(input, weight, bias);
        using var scope = NewDisposeScope();
        return nn.functional.linear(input.to(type), weight.to(type), bias?.to(type)).MoveToOuterDisposeScope();
    }

    /// <summary>Restores the compute type that was in effect before <see cref="Enter"/>.</summary>
    public readonly struct Scope : IDisposable
    {
        private readonly ScalarType? previous;

        internal Scope(ScalarType? previous) => this.previous = previous;

        public void Dispose() => computeTypeOnThread = previous;
    }
}
