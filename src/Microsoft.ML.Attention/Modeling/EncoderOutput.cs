using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Modeling;

/// <summary>
/// What the encoder of an <see cref="EncoderDecoderModel"/> hands the decoder: the memory the cross-attention reads.
/// </summary>
/// <param name="Hidden">[B, S, D] the encoder's hidden states of the source tokens.</param>
/// <param name="Mask">[B, S] bool, true = real source token (padding is never attended to), or null when no row is padded.</param>
public readonly record struct EncoderOutput(Tensor Hidden, Tensor? Mask);
