using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Persistence.Export;
using Microsoft.ML.Attention.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Tasks;

/// <summary>
/// The network a scorer runs, as <see cref="InferenceSettings"/> ask: on TorchSharp the trained float32 network itself or a bfloat16
/// copy of it made once; on ONNX Runtime the task's export (<see cref="TaskSpec.WriteOnnxOutputs"/>), built in memory from the float32
/// weights and opened once. Copies and sessions are owned and disposed here, so that the float32 weights stay the ones saved and
/// reused by <c>InitialModel</c>. Scorers call <see cref="Forward"/>, which gives the export's named outputs on either engine.
/// </summary>
/// <typeparam name="TNetwork">The task's head network.</typeparam>
internal sealed class InferenceNetwork<TNetwork> : IDisposable where TNetwork : nn.Module, ITaskNetwork
{
    private readonly TNetwork? _copy;
    private readonly IExportedForward? _exported;

    public InferenceNetwork(TaskModel<TNetwork> model, TaskSpec<TNetwork> spec, InferenceSettings settings)
    {
        Network = model.Network;
        if (settings.Engine == InferenceEngine.OnnxRuntime)
        {
            var engine = OnnxRuntimeEngineLocator.Find($"{nameof(InferenceEngine)}.{nameof(InferenceEngine.OnnxRuntime)}");
            _exported = engine.Open(OnnxEngineModel.Build(model.Network, model.Config, spec.WriteOnnxOutputs, settings.OnnxGraph), settings.OnnxThreads);
            return;
        }
        if (settings.Precision == InferencePrecision.Float32)
            return;

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

    /// <summary>The TorchSharp network: the model's own for float32 (and under ONNX Runtime), its bfloat16 copy otherwise.</summary>
    public TNetwork Network { get; }

    /// <summary>
    /// The outputs <paramref name="names"/> of the task's ONNX export for <paramref name="batch"/>: computed by ONNX Runtime on that engine,
    /// else by <paramref name="torchSharp"/> from <see cref="Network"/> (the reference path, which must compute the same values).
    /// </summary>
    /// <param name="batch">The padded batch [B, T].</param>
    /// <param name="torchSharp">The TorchSharp forward: the outputs in the order of <paramref name="names"/>.</param>
    /// <param name="names">The export's output names.</param>
    /// <returns>One tensor per name, of the export's shape, in the caller's dispose scope: float32 on the CPU from ONNX Runtime; the
    /// network's number format and device from TorchSharp.</returns>
    public Tensor[] Forward(EncodedBatch batch, Func<TNetwork, Tensor[]> torchSharp, params string[] names)
    {
        if (_exported is null)
        {
            Network.eval();
            return torchSharp(Network);
        }
        var outputs = _exported.Run(batch, names);
        return [.. names.Select(name => outputs[name])];
    }

    public void Dispose()
    {
        _copy?.Dispose();
        _exported?.Dispose();
    }
}
