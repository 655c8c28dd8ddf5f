namespace Microsoft.ML.Attention;

/// <summary>
/// Where a training run of <c>Fit</c> stands after one optimizer step: what <see cref="TransformerTextOptions.Progress"/> receives
/// after every step (the same figures that ML.NET's progress channel carries).
/// </summary>
/// <param name="Epoch">The current epoch, 1-based.</param>
/// <param name="Epochs">Epochs planned (<see cref="TransformerTextOptions.Epochs"/>).</param>
/// <param name="Step">Optimizer steps done, 1-based: the last report of a run has <c>Step == TotalSteps</c>.</param>
/// <param name="TotalSteps">Optimizer steps planned (all epochs, cut to <see cref="TransformerTextOptions.MaxSteps"/> when set).</param>
/// <param name="Loss">The training loss of this step (mean over its rows).</param>
/// <param name="LearningRate">The learning rate this step used (after warmup and the cosine schedule).</param>
/// <param name="RowsPerSecond">Training examples per second since the run started (validation time included).</param>
public sealed record AttentionTrainingProgress(int Epoch, int Epochs, int Step, int TotalSteps, double Loss, double LearningRate, double RowsPerSecond);
