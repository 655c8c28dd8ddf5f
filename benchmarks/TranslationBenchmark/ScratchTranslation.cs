using System.Diagnostics;
using System.Globalization;
using Microsoft.ML.Attention.Generation;
using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Tasks;
using Microsoft.ML.Attention.Tokenization;
using Microsoft.ML.Attention.Training;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Benchmarks;

/// <summary>
/// The encoder-decoder trained from scratch on the training books' pairs. Training runs through <see cref="TranslationTrainer"/> and
/// <see cref="TrainingLoop"/> directly (what <c>Fit</c> of <see cref="TransformerTask.Translation"/> runs) so that the dev books can be
/// translated (greedy) after every epoch: a learning curve in BLEU, which <c>Fit</c>'s validation (token loss) does not give. The test
/// books are then translated through the public <c>Transform</c> of a <see cref="TransformerTextTransformer"/> over the trained network.
/// </summary>
internal static class ScratchTranslation
{
    public sealed record Settings(int VocabularySize, int Dimension, int Layers, int Heads, int FeedForward, int MaxLength, double Dropout,
        int Epochs, int BatchSize, double LearningRate, double WarmupFraction, double LabelSmoothing, bool BFloat16, int BeamSize, float LengthPenalty,
        int TimingVerses, double MaxMinutes);

    /// <summary>One point of the learning curve: after epoch <paramref name="Epoch"/> (1 = the first; before training is not measured).</summary>
    public sealed record EpochPoint(int Epoch, int Step, double TrainingLoss, double DevBleu, double DevChrF, TimeSpan Elapsed);

    /// <param name="StoppedByBudget">Training ended at <see cref="Settings.MaxMinutes"/> before its last step (the weights are those of the last finished step).</param>
    public sealed record Result(TransformerTextTransformer Transformer, EncoderDecoderModel Network, TextTokenizer Tokenizer, TimeSpan TrainingTime, int Steps,
        int PlannedSteps, bool StoppedByBudget, long Parameters, int Vocabulary, IReadOnlyList<EpochPoint> Curve);

    public static Result Train(MLContext ml, IReadOnlyList<(string Source, string Target)> train, IReadOnlyList<(string Source, string Target)> dev,
        Settings run, Action<string> log)
    {
        var watch = Stopwatch.StartNew();
        var tokenizer = TextTokenizer.TrainSubword(train.SelectMany(p => new[] { p.Source, p.Target }), run.VocabularySize);
        log($"Subword vocabulary: {tokenizer.VocabularySize} pieces learned in {watch.Elapsed.TotalSeconds:F0} s");
        var config = new TransformerConfig
        {
            VocabularySize = tokenizer.VocabularySize, ModelDimension = run.Dimension, LayerCount = run.Layers, HeadCount = run.Heads,
            FeedForwardDimension = run.FeedForward, MaxSequenceLength = run.MaxLength, Dropout = run.Dropout, AttentionDropout = run.Dropout,
        };
        manual_seed(1);
        var network = new EncoderDecoderModel(config, shareEmbeddings: true);
        long parameters = network.parameters().Sum(p => p.numel());
        var examples = TranslationTrainer.Encode(network, tokenizer, tokenizer, train.Select(p => ((string?)p.Source, (string?)p.Target)));
        log($"{examples.Pairs.Count} training pairs ({examples.SkippedRows} skipped, {examples.TruncatedSources} sources and {examples.TruncatedTargets} targets truncated), " +
            $"{examples.Pairs.Sum(p => p.Source.Length + p.Target.Length):N0} tokens; {parameters:N0} parameters; {config.ToJson()}");

        var settings = new TrainingSettings
        {
            Epochs = run.Epochs, MaxSteps = 0, BatchSize = run.BatchSize, LearningRate = run.LearningRate, WarmupFraction = run.WarmupFraction,
            MinimumLearningRateFraction = 0.05, WeightDecay = 0.01, AdamBeta1 = 0.9, AdamBeta2 = 0.98, GradientClipNorm = 1.0, LogEverySteps = 50, Seed = 1,
            ComputeType = run.BFloat16 ? ScalarType.BFloat16 : null,
        };
        var generator = new SequenceToSequenceGenerator(network, tokenizer, tokenizer);
        var curve = new List<EpochPoint>();
        double lastLoss = double.NaN;
        int lastStep = 0;
        bool before = true;
        ValidationResult DevBleu()
        {
            // The loop validates once before training too: an untrained decoder runs to the length limit on every verse, minutes for nothing.
            if (before)
            {
                before = false;
                return new ValidationResult(double.NaN, double.NaN, "skipped before training");
            }

            var hypotheses = Translate(generator, dev.Select(p => p.Source).ToList(), new GenerationOptions { MaxNewTokens = run.MaxLength, Temperature = 0f }, null);
            var metrics = TranslationEvaluator.Evaluate(hypotheses, dev.Select(p => (string?)p.Target).ToList());
            curve.Add(new EpochPoint(curve.Count + 1, lastStep, lastLoss, metrics.Bleu, metrics.ChrF, watch.Elapsed));
            return new ValidationResult(-metrics.Bleu, metrics.Bleu, string.Create(CultureInfo.InvariantCulture,
                $"dev greedy BLEU {metrics.Bleu:F2}, chrF {metrics.ChrF:F2} ({dev.Count} verses), last training loss {lastLoss:F4}, {watch.Elapsed.TotalMinutes:F1} min"));
        }

        // A time budget: the loop checks CheckAlive before every step, so the weights stay those of the last finished step.
        var deadline = DateTime.UtcNow.AddMinutes(run.MaxMinutes);
        var trainingSettings = settings with
        {
            Progress = p => { lastLoss = p.Loss; lastStep = p.Step; },
            CheckAlive = () => { if (DateTime.UtcNow > deadline) throw new OperationCanceledException("time budget"); },
        };
        int plannedSteps = trainingSettings.TotalSteps(examples.Pairs.Count);
        bool stopped = false;
        var pairs = examples.Pairs;
        Tensor BatchLoss(int[] rows)
        {
            var (sum, count) = TranslationTrainer.LossSum(network, pairs, rows, tokenizer.Special, tokenizer.Special, run.LabelSmoothing, CPU);
            return sum / Math.Max(1, count);
        }

        int steps;
        try
        {
            steps = TrainingLoop.Run(network, pairs.Count, trainingSettings, BatchLoss, DevBleu, earlyStoppingPatience: 0, log,
                exampleLength: i => Math.Max(pairs[i].Source.Length, pairs[i].Target.Length)).Steps;
        }
        catch (OperationCanceledException)
        {
            stopped = true;
            steps = lastStep;
            log($"Stopped by the {run.MaxMinutes} min budget at step {steps} of {plannedSteps}.");
            DevBleu();
        }
        var spec = new TranslationSpec("English", "Spanish", "Translation",
            new TranslationOptions { BeamSize = run.BeamSize, LengthPenalty = run.LengthPenalty, MaxNewTokens = run.MaxLength });
        var transformer = new TransformerTextTransformer(ml, spec.Bind(config, tokenizer, network, CPU), inferenceBatchSize: 32, InferenceSettings.OnTorchSharp(InferencePrecision.Float32));
        return new Result(transformer, network, tokenizer, watch.Elapsed, steps, plannedSteps, stopped, parameters, tokenizer.VocabularySize, curve);
    }

    /// <summary>Translates <paramref name="sources"/> in batches of 32 of similar length, as <c>Transform</c> batches them.</summary>
    public static List<string> Translate(SequenceToSequenceGenerator generator, IReadOnlyList<string> sources, GenerationOptions options, BeamSearchOptions? search)
    {
        var encoded = sources.Select(s => generator.EncodeSource(s)).ToList();
        var order = Enumerable.Range(0, sources.Count).OrderBy(i => encoded[i].Count).ToList();
        var output = new string[sources.Count];
        foreach (var chunk in order.Chunk(32))
        {
            var ids = generator.GenerateIds(chunk.Select(i => encoded[i]).ToList(), options, search);
            for (int b = 0; b < chunk.Length; b++)
                output[chunk[b]] = generator.TargetTokenizer.Decode(ids[b]);
        }
        return [.. output];
    }
}
