using System.Globalization;
using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Tokenization;
using Microsoft.ML.Attention.Training;
using Microsoft.ML.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Tasks;

/// <summary>
/// What every task's <c>Fit</c> shares: the seed, the device, the training settings, the log channel, the initial model,
/// the tokenizer and the network with its starting weights.
/// </summary>
internal sealed class FitSession : IDisposable
{
    private readonly TaskModel? _initial;
    private readonly IProgressChannel _progress;
    private readonly CancellationToken _processExit;
    private TrainingProgress? _latest;

    /// <param name="host">The estimator's host (cancellation, progress, random seed).</param>
    /// <param name="options">The estimator's options.</param>
    /// <param name="channel">The ML.NET log channel of this Fit.</param>
    /// <param name="processExit">Cancelled when the process exits or gets SIGINT/SIGTERM (see <see cref="ProcessExitGuard"/>).</param>
    /// <param name="initial">The model <see cref="TransformerTextOptions.InitialModel"/> names, resolved by the ML.NET layer (owned by it), or null.</param>
    public FitSession(IHost host, TransformerTextOptions options, IChannel channel, CancellationToken processExit, TaskModel? initial)
    {
        Host = host;
        _processExit = processExit;
        Options = options;
        Channel = channel;
        CheckAlive();
        Seed = options.Seed ?? host.Rand.Next();
        Device = DeviceSelection.Resolve(options.Device, host, channel.Warning);
        _initial = initial;
        if (options.RetainFreedMemory && Training.NativeAllocator.RetainFreedMemory())
            channel.Info("Native allocator: freed memory is kept for reuse (RetainFreedMemory).");
        if (options.ThreadCount > 0)
        {
            set_num_threads(options.ThreadCount);
            channel.Info($"libtorch threads: {options.ThreadCount} (ThreadCount, process-wide).");
        }
        var computeType = ComputeType(options.TrainingPrecision, Device);
        if (computeType is not null)
            channel.Info($"Training precision: {computeType} matrix products, float32 weights (TrainingPrecision {options.TrainingPrecision}).");
        Settings = new TrainingSettings
        {
            Epochs = options.Epochs,
            MaxSteps = options.MaxSteps,
            BatchSize = options.BatchSize,
            LearningRate = options.LearningRate,
            WarmupFraction = options.WarmupFraction,
            MinimumLearningRateFraction = options.MinimumLearningRateFraction,
            WeightDecay = options.WeightDecay,
            AdamBeta1 = options.AdamBeta1,
            AdamBeta2 = options.AdamBeta2,
            GradientClipNorm = options.GradientClipNorm,
            GradientAccumulationSteps = options.GradientAccumulationSteps,
            LogEverySteps = options.LogEverySteps,
            CheckpointDirectory = options.CheckpointDirectory,
            CheckpointEverySteps = options.CheckpointEverySteps,
            RunDescription = RunDescription(options),
            Seed = Seed,
            ComputeType = computeType,
            CheckAlive = CheckAlive,
            Progress = Report,
        };
        // ML.NET's progress API, as its trainers use it: a host polls the channel (the header's fill action gives the latest step) and
        // receives the checkpoints (every LogEverySteps steps and the last step). Options.Progress receives every step (Report).
        _progress = host.StartProgressChannel("Attention training");
        _progress.SetHeader(new ProgressHeader(ProgressMetrics, ["epochs", "steps"]), entry =>
        {
            if (_latest is not { } p)
                return;
            entry.SetProgress(0, p.Epoch - 1, p.Epochs);
            entry.SetProgress(1, p.Step, p.TotalSteps);
            entry.SetMetric(0, p.Loss);
            entry.SetMetric(1, p.LearningRate);
            entry.SetMetric(2, p.RowsPerSecond);
        });
    }

    public IHost Host { get; }
    public TransformerTextOptions Options { get; }
    public IChannel Channel { get; }
    public int Seed { get; }
    public Device Device { get; }
    public TrainingSettings Settings { get; }

    /// <summary>
    /// The text column of the training data (at least one row) and of the validation set, if any (its schema checked first).
    /// </summary>
    public (List<string> Training, List<string>? Validation) ReadTexts(IDataView input)
    {
        string column = Options.TextColumnName;
        var texts = TextColumnReader.Read(input, column);
        if (texts.Count == 0)
            throw Host.Except($"The training data has no rows: {nameof(TransformerTextOptions.Task)} {Options.Task} needs at least one row of column '{column}'.");
        if (Options.ValidationSet is null)
            return (texts, null);
        SchemaChecks.CheckTextColumn(Host, Options.ValidationSet.Schema, column, nameof(TransformerTextOptions.ValidationSet));
        return (texts, TextColumnReader.Read(Options.ValidationSet, column));
    }

    /// <summary>
    /// The initial model's tokenizer, or a new one of <see cref="TransformerTextOptions.Tokenizer"/> (character and subword vocabularies
    /// come from <paramref name="corpus"/>, a subword one of <see cref="TranslationOptions.VocabularySize"/>; the vocabulary file was checked when the estimator was created).
    /// </summary>
    public TextTokenizer Tokenizer(IReadOnlyList<string> corpus) => _initial?.Tokenizer ?? Options.Tokenizer switch
    {
        TokenizerKind.Gpt2 => TextTokenizer.CreateGpt2(),
        TokenizerKind.WordPiece => TextTokenizer.CreateWordPiece(Options.VocabularyPath!, Options.LowerCase),
        TokenizerKind.Character => TextTokenizer.CreateCharacter(corpus),
        TokenizerKind.Llama2c => TextTokenizer.CreateLlama2c(Options.VocabularyPath!),
        TokenizerKind.Subword => TextTokenizer.TrainSubword(corpus, Options.Translation.VocabularySize),
        _ => throw new ArgumentOutOfRangeException(nameof(TransformerTextOptions.Tokenizer), Options.Tokenizer, "Unknown tokenizer."),
    };

    /// <summary>
    /// The initial model's config, or the options' config sized to <paramref name="tokenizer"/>; with its sequence length cut to
    /// <see cref="TransformerTextOptions.MaxSequenceLength"/> when that is set.
    /// </summary>
    public TransformerConfig Config(TextTokenizer tokenizer)
    {
        var config = _initial?.Config ?? (Options.Model with { VocabularySize = tokenizer.VocabularySize });
        int length = Options.MaxSequenceLength;
        if (length > config.MaxSequenceLength && _initial is not null)
        {
            throw new ArgumentOutOfRangeException(nameof(TransformerTextOptions.MaxSequenceLength), length,
                $"{nameof(TransformerTextOptions.MaxSequenceLength)} {length} exceeds the {config.MaxSequenceLength} positions of {nameof(TransformerTextOptions.InitialModel)} {Options.InitialModel}.");
        }
        if (length > 0)
            config = config with { MaxSequenceLength = length };
        config.Validate();
        return config;
    }

    /// <summary>
    /// The network of <paramref name="task"/>, made by <paramref name="create"/> after seeding, with the initial model's weights (the
    /// whole network for the same task and head shape, the shared backbone otherwise), on <see cref="Device"/>.
    /// </summary>
    public TNetwork Network<TNetwork>(TransformerTask task, Func<TNetwork> create) where TNetwork : nn.Module, ITaskNetwork
    {
        manual_seed(Seed);
        var network = create();
        if (_initial is not null)
        {
            var from = _initial;
            bool whole = from.Task == task && SameShapes(from.Network, network);
            CopyWeights(whole ? from.Network : from.Backbone, whole ? network : network.Backbone);
            Channel.Info($"Starting from InitialModel {Options.InitialModel} ({(whole ? "whole network" : "backbone")}).");
        }
        network.to(Device);
        Channel.Info($"{task}: {network.parameters().Sum(p => p.numel()):N0} parameters, device {Device.type}, seed {Seed}.");
        return network;
    }

    /// <summary>Logs how many of the encoded rows were longer than the context (they are truncated), from the one encoding pass of <c>Fit</c>.</summary>
    public void LogTruncation(IReadOnlyList<EncodedRow> rows, int maxLength)
    {
        int truncated = rows.Count(r => r.Truncated);
        if (truncated > 0)
            Channel.Info($"{truncated} of {rows.Count} rows are longer than MaxSequenceLength {maxLength} tokens and are truncated.");
    }

    /// <summary>
    /// Throws <see cref="OperationCanceledException"/> once <c>MLContext.CancelExecution()</c> was called (ML.NET's <c>IHost.CheckAlive</c>),
    /// <see cref="TransformerTextOptions.CancellationToken"/> was cancelled or the process is ending; called before every training step
    /// and validation batch.
    /// </summary>
    public void CheckAlive()
    {
        Host.CheckAlive();
        Options.CancellationToken.ThrowIfCancellationRequested();
        _processExit.ThrowIfCancellationRequested();
    }

    // The options a checkpoint must match besides what TrainingLoop checks itself (batches, run length, network layout). Seed is the
    // option as set: a run without one resumes with the checkpoint's seed.
    private static List<KeyValuePair<string, string>> RunDescription(TransformerTextOptions o) =>
    [
        new(nameof(o.Task), o.Task.ToString()),
        new(nameof(o.InitialModel), o.InitialModel?.ToString() ?? "none"),
        new(nameof(o.Model), o.InitialModel is null ? o.Model.ToString() : "the initial model's"),
        new(nameof(o.Tokenizer), o.InitialModel is null ? o.Tokenizer.ToString() : "the initial model's"),
        new(nameof(o.MaxSequenceLength), o.MaxSequenceLength.ToString(CultureInfo.InvariantCulture)),
        new(nameof(o.TextColumnName), o.TextColumnName),
        new(nameof(o.Seed), o.Seed?.ToString(CultureInfo.InvariantCulture) ?? "none"),
        new("MaskProbability", o.MaskedLanguageModeling.MaskProbability.ToString("R", CultureInfo.InvariantCulture)),
        new("FreezeEncoder", o.TextClassification.FreezeEncoder.ToString()),
    ];

    /// <summary>The metrics of the progress channel, in order.</summary>
    internal static string[] ProgressMetrics { get; } = ["Loss", "Learning rate", "Rows/s"];

    private void Report(TrainingProgress p)
    {
        _latest = p;
        Options.Progress?.Report(new AttentionTrainingProgress(p.Epoch, p.Epochs, p.Step, p.TotalSteps, p.Loss, p.LearningRate, p.RowsPerSecond));
        if (p.Step == p.TotalSteps || (Options.LogEverySteps > 0 && p.Step % Options.LogEverySteps == 0))
            _progress.Checkpoint(p.Loss, p.LearningRate, p.RowsPerSecond, p.Epoch, p.Step);
    }

    /// <summary>Sends a training progress line to the ML.NET log.</summary>
    public void Log(string message) => Channel.Info(message);

    public void Dispose() => _progress.Dispose();

    /// <summary>The matrix-product type of <paramref name="precision"/> on <paramref name="device"/>: null = float32.</summary>
    internal static ScalarType? ComputeType(TrainingPrecision precision, Device device) => precision switch
    {
        TrainingPrecision.BFloat16 => ScalarType.BFloat16,
        TrainingPrecision.Automatic when device.type == DeviceType.CPU && BFloat16Support.OnCpu => ScalarType.BFloat16,
        _ => null,
    };

    private static bool SameShapes(nn.Module a, nn.Module b)
    {
        var left = a.state_dict();
        var right = b.state_dict();
        return left.Count == right.Count && right.All(kv => left.TryGetValue(kv.Key, out var t) && Fits(kv.Key, t, kv.Value));
    }

    // The same shape, or a learned position table with at least the target's rows (a shorter MaxSequenceLength keeps the first positions).
    private static bool Fits(string name, Tensor source, Tensor target) =>
        source.shape.SequenceEqual(target.shape)
        || (name.EndsWith(Persistence.Import.BertLayout.PositionTable, StringComparison.Ordinal) && source.shape[0] >= target.shape[0] && source.shape[1] == target.shape[1]);

    private static void CopyWeights(nn.Module from, nn.Module to)
    {
        using var noGrad = no_grad();
        var source = from.state_dict();
        foreach (var (name, tensor) in to.state_dict())
        {
            if (!source.TryGetValue(name, out var value) || !Fits(name, value, tensor))
                throw new InvalidOperationException($"{nameof(TransformerTextOptions.InitialModel)} has no weight '{name}' of shape [{string.Join(", ", tensor.shape)}].");
            tensor.copy_(value.shape[0] == tensor.shape[0] ? value : value.narrow(0, 0, tensor.shape[0]));
        }
    }
}
