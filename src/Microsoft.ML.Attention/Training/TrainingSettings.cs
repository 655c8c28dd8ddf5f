namespace Microsoft.ML.Attention.Training;

/// <summary>
/// The optimizer and schedule settings of one training run: plain values with no defaults of their own. The estimator builds them
/// from <see cref="TransformerTextOptions"/> (whose documented defaults are the only ones) in the tasks' <c>FitSession</c>; the
/// benchmarks set every value for their reference configurations.
/// </summary>
internal sealed record TrainingSettings
{
    public required int Epochs { get; init; }
    public required int MaxSteps { get; init; }
    public required int BatchSize { get; init; }
    public required double LearningRate { get; init; }
    public required double WarmupFraction { get; init; }
    public int WarmupSteps { get; init; } = -1;               // >= 0 overrides WarmupFraction (benchmarks only; not an ML.NET option)
    public required double MinimumLearningRateFraction { get; init; }
    public required double WeightDecay { get; init; }
    public required double AdamBeta1 { get; init; }
    public required double AdamBeta2 { get; init; }
    public required double GradientClipNorm { get; init; }
    public int GradientAccumulationSteps { get; init; } = 1;  // micro-batches per optimizer step; 1 (no accumulation) for settings built by hand
    public required int LogEverySteps { get; init; }
    public required int Seed { get; init; }

    /// <summary>The type of the training step's matrix products (see <see cref="Modeling.MixedPrecision"/>): null = the weights' own (float32).</summary>
    public TorchSharp.torch.ScalarType? ComputeType { get; init; }

    /// <summary>
    /// Called before every training step and validation batch; throws <see cref="OperationCanceledException"/> to stop the run
    /// (ML.NET's <c>IHost.CheckAlive</c> plus the options' cancellation token). Null: never stops early.
    /// </summary>
    public Action? CheckAlive { get; init; }

    /// <summary>
    /// The folder of the run's <see cref="TrainingCheckpoint"/>: written every <see cref="CheckpointEverySteps"/> optimizer steps and at the
    /// last step, and resumed from when the run starts and the folder holds one. Null: no checkpoints.
    /// </summary>
    public string? CheckpointDirectory { get; init; }

    /// <summary>Optimizer steps between checkpoints (with <see cref="CheckpointDirectory"/>); at least 1.</summary>
    public int CheckpointEverySteps { get; init; } = 1;

    /// <summary>
    /// What else a checkpoint must match to be resumed (the task, network config, tokenizer, data rows, seed option), as (name, value)
    /// pairs that the error names when they differ. Empty for settings built by hand.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, string>> RunDescription { get; init; } = [];

    /// <summary>Called after every training step with the run's progress (ML.NET's progress channel, see FitSession). Null: no reports.</summary>
    public Action<TrainingProgress>? Progress { get; init; }

    /// <summary>Throws <see cref="OperationCanceledException"/> when the run was cancelled (see <see cref="CheckAlive"/>).</summary>
    public void ThrowIfCancelled() => CheckAlive?.Invoke();

    /// <summary>Total optimizer steps for <paramref name="exampleCount"/> training examples.</summary>
    public int TotalSteps(int exampleCount)
    {
        long batches = (exampleCount + BatchSize - 1) / BatchSize;
        long perEpoch = (batches + GradientAccumulationSteps - 1) / GradientAccumulationSteps;   // optimizer steps
        long total = perEpoch * Epochs;
        if (MaxSteps > 0)
            total = Math.Min(total, MaxSteps);
        return (int)Math.Max(1, Math.Min(total, int.MaxValue));
    }
}
