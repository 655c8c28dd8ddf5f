namespace Microsoft.ML.Attention.Training;

/// <summary>The optimizer and schedule settings of one training run (plain values; the ML.NET options map onto them).</summary>
internal sealed record TrainingSettings
{
    public int Epochs { get; init; } = 1;
    public int MaxSteps { get; init; }
    public int BatchSize { get; init; } = 16;
    public double LearningRate { get; init; } = 5e-4;
    public double WarmupFraction { get; init; } = 0.06;
    public int WarmupSteps { get; init; } = -1;               // >= 0 overrides WarmupFraction
    public double MinimumLearningRateFraction { get; init; } = 0.1;
    public double WeightDecay { get; init; } = 0.01;
    public double AdamBeta1 { get; init; } = 0.9;
    public double AdamBeta2 { get; init; } = 0.999;
    public double GradientClipNorm { get; init; } = 1.0;
    public int LogEverySteps { get; init; } = 50;
    public int Seed { get; init; } = 1;

    /// <summary>Total optimizer steps for <paramref name="exampleCount"/> training examples.</summary>
    public int TotalSteps(int exampleCount)
    {
        long perEpoch = (exampleCount + BatchSize - 1) / BatchSize;
        long total = perEpoch * Epochs;
        if (MaxSteps > 0)
            total = Math.Min(total, MaxSteps);
        return (int)Math.Max(1, Math.Min(total, int.MaxValue));
    }
}
