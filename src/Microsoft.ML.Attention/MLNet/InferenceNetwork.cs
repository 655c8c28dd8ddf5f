using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Persistence;
using Microsoft.ML.Attention.Tasks;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention;

/// <summary>
/// The network a scorer runs at an <see cref="InferencePrecision"/>: the trained float32 network itself, or a bfloat16 copy of it
/// made once (owned and disposed here), so that the float32 weights stay the ones saved and reused by <c>InitialModel</c>.
/// </summary>
internal sealed class InferenceNetwork : IDisposable
{
    private readonly nn.Module? _copy;

    public InferenceNetwork(TransformerTextModel model, TaskSpec spec, InferencePrecision precision)
    {
        Precision = precision;
        if (precision == InferencePrecision.Float32)
        {
            Network = model.Network;
            Backbone = model.Backbone;
            return;
        }

        var copy = spec.CreateNetwork(model.Config);
        try
        {
            using (no_grad())
                copy.Module.load_state_dict(model.Network.state_dict(), strict: true);
            copy.Module.to(ScalarType.BFloat16);
            copy.Module.to(model.Device);
            copy.Module.eval();
        }
        catch
        {
            copy.Module.Dispose();
            throw;
        }
        _copy = copy.Module;
        Network = copy.Module;
        Backbone = copy.Backbone;
    }

    public InferencePrecision Precision { get; }

    /// <summary>The network to run: <see cref="TransformerTextModel.Network"/> for float32, its bfloat16 copy otherwise.</summary>
    public nn.Module Network { get; }

    /// <summary>The backbone of <see cref="Network"/>.</summary>
    public TransformerBackbone Backbone { get; }

    public void Dispose() => _copy?.Dispose();
}
