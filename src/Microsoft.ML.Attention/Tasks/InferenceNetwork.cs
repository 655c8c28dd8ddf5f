using Microsoft.ML.Attention.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Tasks;

/// <summary>
/// The network a scorer runs at an <see cref="InferencePrecision"/>: the trained float32 network itself, or a bfloat16 copy of it
/// made once (owned and disposed here), so that the float32 weights stay the ones saved and reused by <c>InitialModel</c>.
/// </summary>
/// <typeparam name="TNetwork">The task's head network.</typeparam>
internal sealed class InferenceNetwork<TNetwork> : IDisposable where TNetwork : nn.Module, ITaskNetwork
{
    private readonly TNetwork? _copy;

    public InferenceNetwork(TaskModel<TNetwork> model, TaskSpec<TNetwork> spec, InferencePrecision precision)
    {
        if (precision == InferencePrecision.Float32)
        {
            Network = model.Network;
            return;
        }

        var copy = spec.CreateNetwork(model.Config);
        try
        {
            using (no_grad())
                copy.load_state_dict(model.Network.state_dict(), strict: true);
            copy.to(ScalarType.BFloat16);
            copy.to(model.Device);
            copy.eval();
        }
        catch
        {
            copy.Dispose();
            throw;
        }
        _copy = copy;
        Network = copy;
    }

    /// <summary>The network to run: the model's own for float32, its bfloat16 copy otherwise.</summary>
    public TNetwork Network { get; }

    public void Dispose() => _copy?.Dispose();
}
