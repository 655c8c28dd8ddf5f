using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.ML.Attention.Persistence;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Training;

/// <summary>
/// Where a <see cref="TrainingLoop"/> run stands after an optimizer step, and the file that lets an interrupted run go on from there
/// and reach bitwise the weights of an uninterrupted one (CPU): the position (epoch, optimizer steps done in it, step), the validation
/// results and early-stopping state so far, and, in the file, the weights, AdamW's state (moments and step counts), libtorch's
/// default generator (dropout) and the task's generators (masking). The shuffling of <see cref="TrainingLoop"/> is a
/// <see cref="Random"/>, whose state .NET cannot save: the loop replays the earlier epochs' shuffles from <see cref="Seed"/> instead,
/// which restores it exactly. The learning rate is a function of the step. A checkpoint also records the run's fingerprint (the
/// settings and data it belongs to); loading it into another run fails naming what differs.
/// </summary>
internal sealed class TrainingCheckpoint : IDisposable
{
    /// <summary>The checkpoint's file name in its folder.</summary>
    public const string FileName = "checkpoint.bin";

    // *** Binary format (checkpoint.bin, inside a ChecksummedFile) ***
    // int: format version (1)
    // int: fingerprint entries; per entry: string name, string value
    // int: seed; int: epoch (0-based, in progress); int: optimizer steps done in that epoch; int: step; double: last loss
    // bool: has initial validation [+ validation]; int: epoch validations; per validation: double loss, double score, string summary
    // int: best epoch; double: best score; int: epochs without improvement
    // bool: has best weights [+ int count; per weight: string name, tensor]
    // module.save: the weights
    // optimizer.save_state_dict: AdamW's parameter groups and per-parameter state
    // tensor: libtorch's default CPU generator state; int: task generators; per generator: tensor state
    private const int FormatVersion = 1;

    /// <summary>The seed of the run's shuffling (see the class remarks).</summary>
    public required int Seed { get; init; }

    /// <summary>The 0-based epoch in progress: its shuffle was drawn; its validation has not run.</summary>
    public int Epoch { get; set; }

    /// <summary>Optimizer steps done in <see cref="Epoch"/>.</summary>
    public int StepInEpoch { get; set; }

    /// <summary>Optimizer steps done in the run.</summary>
    public int Step { get; set; }

    /// <summary>The training loss of the last step (NaN before the first).</summary>
    public double LastLoss { get; set; } = double.NaN;

    public ValidationResult? InitialValidation { get; set; }
    public List<ValidationResult> EpochValidations { get; } = [];
    public int BestEpoch { get; set; } = -1;
    public double BestScore { get; set; } = double.NegativeInfinity;
    public int EpochsWithoutImprovement { get; set; }

    /// <summary>A copy of the best epoch's weights (early stopping), owned by this object; null until an epoch improved.</summary>
    public Dictionary<string, Tensor>? BestWeights { get; private set; }

    /// <summary>Replaces <see cref="BestWeights"/> with a copy of <paramref name="model"/>'s parameters.</summary>
    public void KeepBestWeights(nn.Module model)
    {
        DisposeBestWeights();
        var copy = new Dictionary<string, Tensor>();
        using (no_grad())
        {
            foreach (var (name, parameter) in model.named_parameters())
                copy[name] = parameter.detach().clone().DetachFromDisposeScope();
        }
        BestWeights = copy;
    }

    /// <summary>The path of the checkpoint file in <paramref name="directory"/>.</summary>
    public static string PathIn(string directory) => System.IO.Path.Combine(directory, FileName);

    /// <summary>Writes this position with the weights and states to <paramref name="directory"/> (created when missing), atomically.</summary>
    public void Save(string directory, IReadOnlyList<KeyValuePair<string, string>> fingerprint, nn.Module model, AdamW optimizer, IReadOnlyList<Generator> generators)
    {
        Directory.CreateDirectory(directory);
        ChecksummedFile.Write(PathIn(directory), writer =>
        {
            writer.Write(FormatVersion);
            writer.Write(fingerprint.Count);
            foreach (var (name, value) in fingerprint)
            {
                writer.Write(name);
                writer.Write(value);
            }
            writer.Write(Seed);
            writer.Write(Epoch);
            writer.Write(StepInEpoch);
            writer.Write(Step);
            writer.Write(LastLoss);
            writer.Write(InitialValidation.HasValue);
            if (InitialValidation is { } initial)
                Write(writer, initial);
            writer.Write(EpochValidations.Count);
            foreach (var result in EpochValidations)
                Write(writer, result);
            writer.Write(BestEpoch);
            writer.Write(BestScore);
            writer.Write(EpochsWithoutImprovement);
            writer.Write(BestWeights is not null);
            if (BestWeights is not null)
            {
                writer.Write(BestWeights.Count);
                foreach (var (name, tensor) in BestWeights)
                {
                    writer.Write(name);
                    tensor.Save(writer);
                }
            }
            model.save(writer);
            optimizer.save_state_dict(writer);
            using (var state = get_rng_state())
                state.Save(writer);
            writer.Write(generators.Count);
            foreach (var generator in generators)
            {
                using var state = generator.get_state();
                state.Save(writer);
            }
        });
    }

    /// <summary>
    /// Reads the checkpoint in <paramref name="directory"/> into <paramref name="model"/>, <paramref name="optimizer"/> and the
    /// generators, and returns its position; null when the folder holds none.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is damaged (checksum, length or content).</exception>
    /// <exception cref="InvalidOperationException">The checkpoint belongs to another run: names each fingerprint entry that differs.</exception>
    public static TrainingCheckpoint? TryLoad(string directory, IReadOnlyList<KeyValuePair<string, string>> fingerprint, nn.Module model, AdamW optimizer,
        IReadOnlyList<Generator> generators)
    {
        string path = PathIn(directory);
        if (!File.Exists(path))
            return null;
        return ChecksummedFile.Read(path, reader =>
        {
            int version = reader.ReadInt32();
            if (version != FormatVersion)
                throw new InvalidDataException($"The checkpoint '{path}' has format version {version}; this library reads version {FormatVersion}.");
            CheckFingerprint(path, ReadFingerprint(reader), fingerprint);
            var checkpoint = new TrainingCheckpoint
            {
                Seed = reader.ReadInt32(),
                Epoch = reader.ReadInt32(),
                StepInEpoch = reader.ReadInt32(),
                Step = reader.ReadInt32(),
                LastLoss = reader.ReadDouble(),
            };
            try
            {
                checkpoint.ReadRest(reader, model, optimizer, generators, path);
            }
            catch
            {
                checkpoint.Dispose();
                throw;
            }
            return checkpoint;
        });
    }

    /// <summary>The fingerprint entry that describes a network's parameter layout: tensor and parameter counts and a hash of names and shapes.</summary>
    public static string NetworkLayout(nn.Module model)
    {
        var layout = new StringBuilder();
        long count = 0;
        int tensors = 0;
        foreach (var (name, parameter) in model.named_parameters())
        {
            layout.Append(name).Append('[').AppendJoin(',', parameter.shape).Append("];");
            count += parameter.numel();
            tensors++;
        }
        string hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(layout.ToString())))[..16];
        return string.Create(CultureInfo.InvariantCulture, $"{tensors} tensors, {count} parameters, layout {hash}");
    }

    public void Dispose() => DisposeBestWeights();

    private void ReadRest(BinaryReader reader, nn.Module model, AdamW optimizer, IReadOnlyList<Generator> generators, string path)
    {
        if (reader.ReadBoolean())
            InitialValidation = ReadValidation(reader);
        int validations = reader.ReadInt32();
        for (int i = 0; i < validations; i++)
            EpochValidations.Add(ReadValidation(reader));
        BestEpoch = reader.ReadInt32();
        BestScore = reader.ReadDouble();
        EpochsWithoutImprovement = reader.ReadInt32();
        if (reader.ReadBoolean())
        {
            int count = reader.ReadInt32();
            BestWeights = [];
            for (int i = 0; i < count; i++)
            {
                string name = reader.ReadString();
                BestWeights[name] = Tensor.Load(reader).DetachFromDisposeScope();
            }
        }
        model.load(reader);
        optimizer.load_state_dict(reader);
        using (var state = Tensor.Load(reader))
            set_rng_state(state);
        int generatorCount = reader.ReadInt32();
        if (generatorCount != generators.Count)
            throw new InvalidDataException($"The checkpoint '{path}' holds {generatorCount} task generator states; the run has {generators.Count}.");
        foreach (var generator in generators)
        {
            using var state = Tensor.Load(reader);
            generator.set_state(state);
        }
    }

    private static List<KeyValuePair<string, string>> ReadFingerprint(BinaryReader reader)
    {
        int count = reader.ReadInt32();
        if (count is < 0 or > 1024)
            throw new FormatException($"the fingerprint claims {count} entries");
        var entries = new List<KeyValuePair<string, string>>(count);
        for (int i = 0; i < count; i++)
            entries.Add(new(reader.ReadString(), reader.ReadString()));
        return entries;
    }

    private static void CheckFingerprint(string path, List<KeyValuePair<string, string>> saved, IReadOnlyList<KeyValuePair<string, string>> current)
    {
        var before = saved.ToDictionary(e => e.Key, e => e.Value);
        var differences = current
            .Where(e => !before.TryGetValue(e.Key, out string? value) || value != e.Value)
            .Select(e => $"{e.Key} is {(before.TryGetValue(e.Key, out string? value) ? value : "absent")} there and {e.Value} now")
            .Concat(saved.Where(e => current.All(c => c.Key != e.Key)).Select(e => $"{e.Key} is {e.Value} there and absent now"))
            .ToList();
        if (differences.Count > 0)
        {
            throw new InvalidOperationException(
                $"The checkpoint '{path}' belongs to another training run: {string.Join("; ", differences)}. Resume with the same settings and data, or "
                + "choose another CheckpointDirectory (or delete the checkpoint) to start over.");
        }
    }

    private static void Write(BinaryWriter writer, ValidationResult result)
    {
        writer.Write(result.Loss);
        writer.Write(result.Score);
        writer.Write(result.Summary);
    }

    private static ValidationResult ReadValidation(BinaryReader reader) => new(reader.ReadDouble(), reader.ReadDouble(), reader.ReadString());

    private void DisposeBestWeights()
    {
        if (BestWeights is null)
            return;
        foreach (var tensor in BestWeights.Values)
            tensor.Dispose();
        BestWeights = null;
    }
}
