using Microsoft.ML.Attention.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Training;

/// <summary>One evaluation of the validation set: its mean loss and a task metric where higher is better.</summary>
internal readonly record struct ValidationResult(double Loss, double Score, string Summary);

/// <summary>What a training run did.</summary>
internal sealed record TrainingResult(int Steps, double LastTrainingLoss, ValidationResult? InitialValidation, IReadOnlyList<ValidationResult> EpochValidations, int BestEpoch);

/// <summary>
/// The optimisation loop shared by every task: shuffled mini-batches per epoch, AdamW, warmup + cosine schedule,
/// gradient clipping, one dispose scope per step, validation over the whole validation set after every epoch,
/// and (with a patience) early stopping that restores the best epoch's weights.
/// </summary>
internal static class TrainingLoop
{
    /// <param name="model">The network; left in eval mode on return.</param>
    /// <param name="exampleCount">Training examples; batches are lists of their indices.</param>
    /// <param name="settings">Optimizer, schedule and logging settings.</param>
    /// <param name="batchLoss">Scalar loss of a batch of example indices (with its autograd graph).</param>
    /// <param name="validate">Evaluates the whole validation set (called in eval mode under no_grad), or null.</param>
    /// <param name="earlyStoppingPatience">Epochs without a better validation score before stopping; 0 disables early stopping and best-weights restore.</param>
    /// <param name="log">Progress lines.</param>
    /// <param name="exampleLength">
    /// The padded length of an example, or null: when given, every epoch's batches hold examples of similar length
    /// (see <see cref="LengthGroupedBatches"/>), so a batch is padded to little more than its own rows need.
    /// </param>
    public static TrainingResult Run(nn.Module model, int exampleCount, TrainingSettings settings, Func<int[], Tensor> batchLoss,
        Func<ValidationResult>? validate, int earlyStoppingPatience, Action<string> log, Func<int, int>? exampleLength = null)
    {
        int totalSteps = settings.TotalSteps(exampleCount);
        int warmup = settings.WarmupSteps >= 0 ? settings.WarmupSteps : (int)Math.Round(settings.WarmupFraction * totalSteps);
        var schedule = new LearningRateSchedule(settings.LearningRate, warmup, totalSteps, settings.MinimumLearningRateFraction);
        using var optimizer = OptimizerFactory.CreateAdamW(model, settings);
        var parameters = model.parameters().Where(p => p.requires_grad).ToList();
        var random = new Random(settings.Seed);

        ValidationResult? initial = validate is null ? null : Evaluate(model, validate);
        if (initial is { } first)
            log($"Before training: validation {first.Summary}");

        var epochResults = new List<ValidationResult>();
        Dictionary<string, Tensor>? bestState = null;
        double bestScore = double.NegativeInfinity;
        int bestEpoch = -1, epochsWithoutImprovement = 0, step = 0;
        double windowLoss = 0, lastLoss = double.NaN;
        int windowSteps = 0;
        long rows = 0;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            for (int epoch = 0; epoch < settings.Epochs && step < totalSteps; epoch++)
            {
                foreach (int[][] microBatches in EpochBatches(exampleCount, settings.BatchSize, random, exampleLength).Chunk(settings.GradientAccumulationSteps))
                {
                    if (step >= totalSteps)
                        break;
                    settings.ThrowIfCancelled();
                    using (var scope = NewDisposeScope())
                    {
                        model.train();
                        OptimizerFactory.SetLearningRate(optimizer, schedule.At(step));
                        optimizer.zero_grad();
                        lastLoss = AccumulateGradients(microBatches, batchLoss, settings.ComputeType);
                        // Checked before the optimizer step, so the weights stay those of the last good step.
                        if (!double.IsFinite(lastLoss))
                            throw new InvalidOperationException($"Training diverged at step {step + 1}: the loss is {lastLoss}. Lower LearningRate (now {settings.LearningRate}).");
                        if (settings.GradientClipNorm > 0)
                            nn.utils.clip_grad_norm_(parameters, settings.GradientClipNorm);
                        optimizer.step();
                    }
                    windowLoss += lastLoss;
                    windowSteps++;
                    step++;
                    rows += microBatches.Sum(batch => batch.Length);
                    settings.Progress?.Invoke(new TrainingProgress(epoch + 1, settings.Epochs, step, totalSteps, lastLoss, schedule.At(step - 1), rows / watch.Elapsed.TotalSeconds));
                    if (settings.LogEverySteps > 0 && step % settings.LogEverySteps == 0)
                    {
                        log($"step {step}/{totalSteps} epoch {epoch + 1}: training loss {windowLoss / windowSteps:F4}, learning rate {schedule.At(step - 1):G3}, {watch.Elapsed.TotalSeconds:F1} s");
                        windowLoss = 0;
                        windowSteps = 0;
                    }
                }

                if (validate is null)
                    continue;
                var result = Evaluate(model, validate);
                epochResults.Add(result);
                log($"epoch {epoch + 1} (step {step}): validation {result.Summary}");
                if (earlyStoppingPatience <= 0)
                    continue;
                if (result.Score > bestScore)
                {
                    bestScore = result.Score;
                    bestEpoch = epoch;
                    epochsWithoutImprovement = 0;
                    DisposeState(bestState);
                    bestState = CopyState(model);
                }
                else if (++epochsWithoutImprovement >= earlyStoppingPatience)
                {
                    log($"Early stopping after epoch {epoch + 1}: no better validation score for {earlyStoppingPatience} epoch(s).");
                    break;
                }
            }
            if (bestState is not null)
            {
                using (no_grad())
                {
                    foreach (var (name, parameter) in model.named_parameters())
                        parameter.copy_(bestState[name]);
                }
                log($"Kept the weights of epoch {bestEpoch + 1} (best validation score {bestScore:F4}).");
            }
        }
        finally
        {
            DisposeState(bestState);
            model.eval();
        }
        return new TrainingResult(step, lastLoss, initial, epochResults, bestEpoch);
    }

    /// <summary>
    /// Backpropagates the loss of each micro-batch, weighted by its share of the step's examples (1/N for N equal micro-batches), so
    /// that the summed gradients are those of one batch of all of them; each micro-batch's graph is freed before the next one.
    /// Returns the step's loss (the weighted sum).
    /// </summary>
    private static float AccumulateGradients(int[][] microBatches, Func<int[], Tensor> batchLoss, ScalarType? computeType)
    {
        int examples = microBatches.Sum(batch => batch.Length);
        float stepLoss = 0;
        foreach (int[] batch in microBatches)
        {
            using var scope = NewDisposeScope();
            Tensor loss;
            using (MixedPrecision.Enter(computeType))
                loss = microBatches.Length == 1 ? batchLoss(batch) : batchLoss(batch) * ((double)batch.Length / examples);
            loss.backward();
            stepLoss += loss.item<float>();
        }
        return stepLoss;
    }

    // One epoch's batches: a fresh shuffle cut in order, or length-grouped batches when lengths are known.
    private static IEnumerable<int[]> EpochBatches(int exampleCount, int batchSize, Random random, Func<int, int>? exampleLength)
    {
        int[] order = Enumerable.Range(0, exampleCount).ToArray();
        random.Shuffle(order);
        if (exampleLength is not null)
            return LengthGroupedBatches(order, batchSize, random, exampleLength);
        return order.Chunk(batchSize);
    }

    /// <summary>
    /// Batches of similar length from a shuffled order, as Hugging Face's <c>LengthGroupedSampler</c> does: the order is cut into
    /// mega-batches of <see cref="BatchesPerLengthGroup"/> batches, each mega-batch is sorted by length (longest first) and cut into
    /// batches, and the batches are shuffled. Every example appears once; the batches stay random at the scale of an epoch.
    /// </summary>
    internal static List<int[]> LengthGroupedBatches(int[] shuffledOrder, int batchSize, Random random, Func<int, int> exampleLength)
    {
        var batches = new List<int[]>();
        foreach (int[] group in shuffledOrder.Chunk(batchSize * BatchesPerLengthGroup))
        {
            int[] sorted = group.OrderByDescending(exampleLength).ToArray();   // stable: equal lengths keep the shuffled order
            batches.AddRange(sorted.Chunk(batchSize));
        }
        var shuffled = batches.ToArray();
        random.Shuffle(shuffled);
        return [.. shuffled];
    }

    /// <summary>Batches per mega-batch of <see cref="LengthGroupedBatches"/> (Hugging Face's default is 50).</summary>
    internal const int BatchesPerLengthGroup = 50;

    private static ValidationResult Evaluate(nn.Module model, Func<ValidationResult> validate)
    {
        model.eval();
        using var noGrad = no_grad();
        return validate();
    }

    private static Dictionary<string, Tensor> CopyState(nn.Module model)
    {
        var copy = new Dictionary<string, Tensor>();
        using (no_grad())
        {
            foreach (var (name, parameter) in model.named_parameters())
                copy[name] = parameter.detach().clone().DetachFromDisposeScope();
        }
        return copy;
    }

    private static void DisposeState(Dictionary<string, Tensor>? state)
    {
        if (state is null)
            return;
        foreach (var tensor in state.Values)
            tensor.Dispose();
    }
}
