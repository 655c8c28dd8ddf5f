using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Persistence;
using Microsoft.ML.Attention.Persistence.Export;

namespace Microsoft.ML.Attention.Tasks;

/// <summary>
/// Everything task-specific that a <see cref="TransformerTextTransformer"/> keeps: its columns and head settings, the network it
/// builds for a config, and the scorer that fills its output columns. Saved with the model (see <see cref="Save"/>) and read
/// back by the task's <see cref="ITaskDefinition.LoadSpec"/>. One subclass per task, in the task's folder.
/// </summary>
internal abstract class TaskSpec
{
    public abstract TransformerTask Task { get; }

    /// <summary>The text columns the transformer reads.</summary>
    public abstract IReadOnlyList<string> InputColumnNames { get; }

    /// <summary>A network with fresh weights for this task.</summary>
    public abstract TaskNetwork CreateNetwork(TransformerConfig config);

    /// <summary>
    /// The scorer that fills the output columns, running the network at <paramref name="precision"/> where the task supports it
    /// (the encoder tasks; generation runs in float32). A scorer that is <see cref="IDisposable"/> owns tensors of its own.
    /// </summary>
    public abstract IRowScorer CreateScorer(TransformerTextModel model, InferencePrecision precision);

    /// <summary>
    /// What an ONNX export writes after the backbone when the task's output is a sentence embedding (its pooling and normalization);
    /// null (the default) = the outputs of the network's own head (classifier, span or language-model logits).
    /// </summary>
    public virtual OnnxEmbedding? ExportedEmbedding => null;

    /// <summary>Writes the task's settings (column names, head sizes, label names, ...).</summary>
    public abstract void Save(BinaryWriter writer);
}
