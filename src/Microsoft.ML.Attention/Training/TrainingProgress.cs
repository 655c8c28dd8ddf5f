namespace Microsoft.ML.Attention.Training;

/// <summary>Where a training run stands after a step: what <see cref="TrainingSettings.Progress"/> receives.</summary>
/// <param name="Epoch">The current epoch, 1-based.</param>
/// <param name="Epochs">Epochs planned.</param>
/// <param name="Step">Optimizer steps done.</param>
/// <param name="TotalSteps">Optimizer steps planned.</param>
/// <param name="Loss">The training loss of the last step.</param>
/// <param name="LearningRate">The learning rate of the last step.</param>
/// <param name="RowsPerSecond">Training examples per second since the run started (validation time included).</param>
internal readonly record struct TrainingProgress(int Epoch, int Epochs, int Step, int TotalSteps, double Loss, double LearningRate, double RowsPerSecond);
