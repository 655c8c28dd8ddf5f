namespace Microsoft.ML.Attention.Training;

/// <summary>Linear warmup from 0 to the peak, then cosine decay to <c>peak * minimumFraction</c> at the last step.</summary>
internal sealed class LearningRateSchedule
{
    private readonly double _peak;
    private readonly double _minimum;
    private readonly int _warmupSteps;
    private readonly int _totalSteps;

    public LearningRateSchedule(double peak, int warmupSteps, int totalSteps, double minimumFraction)
    {
        _peak = peak;
        _minimum = peak * minimumFraction;
        _warmupSteps = Math.Max(0, warmupSteps);
        _totalSteps = Math.Max(1, totalSteps);
    }

    /// <summary>The learning rate for 0-based optimizer step <paramref name="step"/>.</summary>
    public double At(int step)
    {
        if (step < _warmupSteps)
            return _peak * (step + 1) / _warmupSteps;
        int decaySteps = Math.Max(1, _totalSteps - _warmupSteps);
        double progress = Math.Clamp((double)(step - _warmupSteps) / decaySteps, 0, 1);
        return _minimum + 0.5 * (1 + Math.Cos(Math.PI * progress)) * (_peak - _minimum);
    }
}
