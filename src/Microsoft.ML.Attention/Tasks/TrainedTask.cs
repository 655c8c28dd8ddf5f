using Microsoft.ML.Attention.Training;

namespace Microsoft.ML.Attention.Tasks;

/// <summary>What a task's <c>Fit</c> (or an importer) returns to the ML.NET layer, which wraps it into a <c>TransformerTextTransformer</c>.</summary>
/// <param name="Model">The trained model (owned by the transformer from then on).</param>
/// <param name="Precision">The number format of its forward pass in <c>Transform</c> (generation runs in float32: <see cref="InferencePrecision.Float32"/>).</param>
/// <param name="Training">What training did (steps, losses, validation per epoch); null for an imported model.</param>
internal sealed record TrainedTask(TaskModel Model, InferencePrecision Precision, TrainingResult? Training = null);
