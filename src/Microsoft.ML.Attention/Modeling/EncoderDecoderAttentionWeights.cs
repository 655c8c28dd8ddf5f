using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Modeling;

/// <summary>
/// The logits and every attention weight of one reference-path pass of an <see cref="EncoderDecoderModel"/>
/// (<see cref="EncoderDecoderModel.ForwardWithAttentionWeights"/>); all weights float32, each query's row summing to 1 over the keys it may see.
/// </summary>
/// <param name="Logits">[B, T, V] next-token logits of every target position.</param>
/// <param name="Encoder">Per encoder layer, the source self-attention [B, H, S, S].</param>
/// <param name="DecoderSelf">Per decoder layer, the causal target self-attention [B, H, T, T].</param>
/// <param name="Cross">
/// Per decoder layer, the cross-attention [B, H, T, S]: how much target position t (predicting token t + 1) looks at source token s;
/// zero on padded source positions.
/// </param>
public sealed record EncoderDecoderAttentionWeights(Tensor Logits, Tensor[] Encoder, Tensor[] DecoderSelf, Tensor[] Cross);
