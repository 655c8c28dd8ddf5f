using Microsoft.ML.Attention.Modeling;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Benchmarks.Suite;

/// <summary>
/// The peer of <see cref="TransformerBackbone"/> in the peer-layer section: token and learned position embeddings (as the
/// backbone's) in front of libtorch's own <c>nn.TransformerEncoder</c> of <c>nn.TransformerEncoderLayer</c> (post-norm, GELU,
/// dropout 0; libtorch's layer takes [T, B, D]). Maps ids [B, T] to hidden states [B, T, D].
/// </summary>
internal sealed class PeerEncoder : nn.Module<Tensor, Tensor>
{
    private readonly Embedding _tokens;
    private readonly Parameter _positions;
    private readonly TransformerEncoder _encoder;

    public PeerEncoder(TransformerConfig config)
        : base(nameof(PeerEncoder))
    {
        _tokens = nn.Embedding(config.VocabularySize, config.ModelDimension);
        _positions = new Parameter(randn(config.MaxSequenceLength, config.ModelDimension) * 0.02); // [Tmax, D]
        var layer = nn.TransformerEncoderLayer(config.ModelDimension, config.HeadCount, config.EffectiveFeedForwardDimension,
            dropout: 0.0, activation: nn.Activations.GELU);
        _encoder = nn.TransformerEncoder(layer, config.LayerCount);
        RegisterComponents();
    }

    public override Tensor forward(Tensor ids)
    {
        using var scope = NewDisposeScope();
        var x = _tokens.forward(ids) + _positions.narrow(0, 0, ids.shape[1]); // [B, T, D]
        var encoded = _encoder.forward(x.transpose(0, 1), null, null);       // [T, B, D]
        return encoded.transpose(0, 1).MoveToOuterDisposeScope();            // [B, T, D]
    }
}
