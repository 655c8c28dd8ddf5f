using System.Globalization;
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
/// (with a patience) early stopping that restores the best epoch's weights, and (with a checkpoint folder) a
/// <see cref="TrainingCheckpoint"/> every <see cref="TrainingSettings.CheckpointEverySteps"/> steps and at the last step, from which
/// a later run with the same settings resumes.
/// </summary>
internal static class TrainingLoop
{
    /// <param name="model">The network; left in eval mode on return.</param>
    /// <param name="exampleCount">Training examples; batches are lists of their indices.</param>
    /// <param name="settings">Optimizer, schedule, logging and checkpoint settings.</param>
    /// <param name="batchLoss">Scalar loss of a batch of example indices (with its autograd graph).</param>
    /// <param name="validate">Evaluates the whole validation set (called in eval mode under no_grad), or null.</param>
    /// <param name="earlyStoppingPatience">Epochs without a better validation score before stopping; 0 disables early stopping and best-weights restore.</param>
    /// <param name="log">Progress lines.</param>
    /// <param name="exampleLength">
    /// The padded length of an example, or null: when given, every epoch's batches hold examples of similar length
    /// (see <see cref="LengthGroupedBatches"/>), so a batch is padded to little more than its own rows need.
    /// </param>
    /// <param name="generators">The task's own random sources (masking), whose states a checkpoint keeps; libtorch's default generator (dropout) is kept anyway.</param>
    /// <exception cref="InvalidOperationException">
    /// A step's loss or gradient norm is not finite (the message names the step; the weights stay those after the last good step), or the
    /// checkpoint folder holds a checkpoint of another run.
    /// </exception>
    public static TrainingResult Run(nn.Module model, int exampleCount, TrainingSettings settings, Func<int[], Tensor> batchLoss,
        Func<ValidationResult>? validate, int earlyStoppingPatience, Action<string> log, Func<int, int>? exampleLength = null,
        IReadOnlyList<Generator>? generators = null)
    {
        int totalSteps = settings.TotalSteps(exampleCount);
        int warmup = settings.WarmupSteps >= 0 ? settings.WarmupSteps : (int)Math.Round(settings.WarmupFraction * totalSteps);
        var schedule = new LearningRateSchedule(settings.LearningRate, warmup, totalSteps, settings.MinimumLearningRateFraction);
        using var optimizer = OptimizerFactory.CreateAdamW(model, settings);
        var parameters = model.parameters().Where(p => p.requires_grad).ToList();
        generators ??= [];

        string? folder = settings.CheckpointDirectory;
        var fingerprint = folder is null ? null : Fingerprint(model, exampleCount, totalSteps, settings);
        var resumed = folder is null ? null : TrainingCheckpoint.TryLoad(folder, fingerprint!, model, optimizer, generators);
        using var run = resumed ?? new TrainingCheckpoint { Seed = settings.Seed };
        int lastCheckpoint = resumed?.Step ?? -1;
        if (resumed is not null)
        {
            OptimizerFactory.ApplySettings(optimizer, settings);   // the checkpoint's groups carry its run's betas and weight decay
            log($"Resumed from the checkpoint in {folder} at step {run.Step}/{totalSteps} (epoch {run.Epoch + 1}).");
        }
        // Every epoch's shuffle comes from this generator; a resumed run draws the earlier epochs' shuffles again to reach its state.
        var random = new Random(run.Seed);

        if (resumed is null && validate is not null)
        {
            run.InitialValidation = Evaluate(model, validate);
            log($"Before training: validation {run.InitialValidation.Value.Summary}");
        }

        double windowLoss = 0;
        int windowSteps = 0;
        long rows = 0;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            for (int epoch = 0; epoch < settings.Epochs; epoch++)
            {
                // An epoch is entered while steps remain; the resumed epoch was entered before the interruption.
                if (epoch > run.Epoch && run.Step >= totalSteps)
                    break;
                var steps = EpochBatches(exampleCount, settings.BatchSize, random, exampleLength).Chunk(settings.GradientAccumulationSteps).ToList();
                if (epoch < run.Epoch)
                    continue;
                if (epoch > run.Epoch)
                {
                    run.Epoch = epoch;
                    run.StepInEpoch = 0;
                }
                for (int i = run.StepInEpoch; i < steps.Count && run.Step < totalSteps; i++)
                {
                    int[][] microBatches = steps[i];
                    settings.ThrowIfCancelled();
                    using (var scope = NewDisposeScope())
                    {
                        model.train();
                        OptimizerFactory.SetLearningRate(optimizer, schedule.At(run.Step));
                        optimizer.zero_grad();
                        double loss = AccumulateGradients(microBatches, batchLoss, settings.ComputeType);
                        // Checked before the optimizer step, so the weights stay those of the last good step.
                        if (!double.IsFinite(loss))
                            throw Diverged(run.Step + 1, $"the loss is {loss}", settings, lastCheckpoint);
                        if (settings.GradientClipNorm > 0)
                        {
                            double norm = nn.utils.clip_grad_norm_(parameters, settings.GradientClipNorm);
                            if (!double.IsFinite(norm))
                                throw Diverged(run.Step + 1, $"the gradient norm is {norm}", settings, lastCheckpoint);
                        }
                        optimizer.step();
                        run.LastLoss = loss;
                    }
                    windowLoss += run.LastLoss;
                    windowSteps++;
                    run.Step++;
                    run.StepInEpoch = i + 1;
                    rows += microBatches.Sum(batch => batch.Length);
                    settings.Progress?.Invoke(new TrainingProgress(epoch + 1, settings.Epochs, run.Step, totalSteps, run.LastLoss, schedule.At(run.Step - 1), rows / watch.Elapsed.TotalSeconds));
                    if (settings.LogEverySteps > 0 && run.Step % settings.LogEverySteps == 0)
                    {
                        log($"step {run.Step}/{totalSteps} epoch {epoch + 1}: training loss {windowLoss / windowSteps:F4}, learning rate {schedule.At(run.Step - 1):G3}, {watch.Elapsed.TotalSeconds:F1} s");
                        windowLoss = 0;
                        windowSteps = 0;
                    }
                    if (folder is not null && (run.Step % settings.CheckpointEverySteps == 0 || run.Step == totalSteps))
                    {
                        if (!AllFinite(parameters))
                            throw Diverged(run.Step, "the weights it produced are not finite", settings, lastCheckpoint, weightsKept: false);
                        run.Save(folder, fingerprint!, model, optimizer, generators);
                        lastCheckpoint = run.Step;
                    }
                }

                if (validate is null)
                    continue;
                var result = Evaluate(model, validate);
                run.EpochValidations.Add(result);
                log($"epoch {epoch + 1} (step {run.Step}): validation {result.Summary}");
                if (earlyStoppingPatience <= 0)
                    continue;
                if (result.Score > run.BestScore)
                {
                    run.BestScore = result.Score;
                    run.BestEpoch = epoch;
                    run.EpochsWithoutImprovement = 0;
                    run.KeepBestWeights(model);
                }
                else if (++run.EpochsWithoutImprovement >= earlyStoppingPatience)
                {
                    log($"Early stopping after epoch {epoch + 1}: no better validation score for {earlyStoppingPatience} epoch(s).");
                    break;
                }
            }
            if (run.BestWeights is { } best)
            {
                using (no_grad())
                {
                    foreach (var (name, parameter) in model.named_parameters())
                        parameter.copy_(best[name]);
                }
                log($"Kept the weights of epoch {run.BestEpoch + 1} (best validation score {run.BestScore:F4}).");
            }
        }
        finally
        {
            model.eval();
        }
        return new TrainingResult(run.Step, run.LastLoss, run.InitialValidation, run.EpochValidations, run.BestEpoch);
    }

    // What a checkpoint must match to be resumed: the caller's description (task, network config, data, seed option) and what fixes the
    // order of the batches and the length of the run. The learning-rate settings, weight decay and clipping may change.
    private static List<KeyValuePair<string, string>> Fingerprint(nn.Module model, int exampleCount, int totalSteps, TrainingSettings settings) =>
    [
        .. settings.RunDescription,
        new("training examples", exampleCount.ToString(CultureInfo.InvariantCulture)),
        new(nameof(settings.Epochs), settings.Epochs.ToString(CultureInfo.InvariantCulture)),
        new(nameof(settings.MaxSteps), settings.MaxSteps.ToString(CultureInfo.InvariantCulture)),
        new(nameof(settings.BatchSize), settings.BatchSize.ToString(CultureInfo.InvariantCulture)),
        new(nameof(settings.GradientAccumulationSteps), settings.GradientAccumulationSteps.ToString(CultureInfo.InvariantCulture)),
        new("total steps", totalSteps.ToString(CultureInfo.InvariantCulture)),
        new("network", TrainingCheckpoint.NetworkLayout(model)),
    ];

    // weightsKept: the bad step was caught before the optimizer applied it.
    private static InvalidOperationException Diverged(int step, string what, TrainingSettings settings, int lastCheckpoint, bool weightsKept = true)
    {
        string weights = weightsKept ? $" The weights stay those after step {step - 1}, the last good step." : "";
        string resume = settings.CheckpointDirectory is not { } folder ? ""
            : lastCheckpoint > 0
                ? $" Fit again with a lower LearningRate resumes from the checkpoint of step {lastCheckpoint} in '{folder}', which this step did not overwrite."
                : $" The CheckpointDirectory '{folder}' holds no checkpoint of this run yet.";
        return new InvalidOperationException(
            $"Training diverged at step {step}: {what}.{weights} Lower LearningRate (now {settings.LearningRate}).{resume}");
    }

    private static bool AllFinite(IEnumerable<Tensor> parameters)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        return parameters.All(p => p.isfinite().all().item<bool>());
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
}
