using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Persistence.Export;
using Microsoft.ML.Attention.Tokenization;
using TorchSharp;

namespace Microsoft.ML.Attention.Tasks;

/// <summary>
/// Everything task-specific that a trained model keeps: its columns and head settings, the network it builds for a config, the scorer
/// that fills its output columns and its ONNX head. Saved with the model (see <see cref="Save"/>) and read back by the task's
/// <see cref="ITaskDefinition.LoadSpec"/>. One subclass of <see cref="TaskSpec{TNetwork}"/> per task, in the task's folder.
/// </summary>
internal abstract class TaskSpec
{
    public abstract TransformerTask Task { get; }

    /// <summary>The text columns the transformer reads, in order (the one source of truth after <c>Fit</c>).</summary>
    public abstract IReadOnlyList<string> InputColumnNames { get; }

    /// <summary>
    /// true = the network reads its input left to right only (a decoder): attention weights are causal and a second text is not
    /// accepted. Default false (an encoder).
    /// </summary>
    public virtual bool IsDecoder => false;

    /// <summary>A model of this task with fresh weights (the loader then reads the saved weights into it).</summary>
    public abstract TaskModel CreateModel(TransformerConfig config, TextTokenizer tokenizer, torch.Device device);

    /// <summary>
    /// Writes the task's outputs after the backbone into an ONNX graph (<see cref="OnnxExporter"/> writes the inputs and the backbone),
    /// or throws <see cref="NotSupportedException"/> naming the task and the reason: the one place that says whether a task exports.
    /// </summary>
    public abstract void WriteOnnxOutputs(OnnxHeadWriter writer);

    /// <summary>Writes the task's settings (column names, head sizes, label names, ...).</summary>
    public abstract void Save(BinaryWriter writer);
}

/// <summary>A <see cref="TaskSpec"/> whose head network type reaches its scorer without a cast.</summary>
/// <typeparam name="TNetwork">The task's head network (in <c>Modeling/</c>).</typeparam>
internal abstract class TaskSpec<TNetwork> : TaskSpec where TNetwork : torch.nn.Module, ITaskNetwork
{
    /// <summary>The task's network with fresh weights.</summary>
    public abstract TNetwork CreateNetwork(TransformerConfig config);

    /// <summary>
    /// The scorer of <paramref name="model"/> on the engine and at the precision of <paramref name="settings"/> (where the task supports
    /// them; generation runs in float32 on TorchSharp, see <see cref="ITaskDefinition.OnnxRuntimeUnsupported"/>).
    /// </summary>
    public abstract ITaskScorer CreateScorer(TaskModel<TNetwork> model, InferenceSettings settings);

    public sealed override TaskModel CreateModel(TransformerConfig config, TextTokenizer tokenizer, torch.Device device) =>
        Bind(config, tokenizer, CreateNetwork(config), device);

    /// <summary>A model of this spec around a network that is already built (trained, imported or loaded).</summary>
    public TaskModel<TNetwork> Bind(TransformerConfig config, TextTokenizer tokenizer, TNetwork network, torch.Device device) =>
        new(this, config, tokenizer, network, device);
}
