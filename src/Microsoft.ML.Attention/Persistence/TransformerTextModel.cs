using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Persistence;

/// <summary>
/// What a trained <see cref="TransformerTextTransformer"/> carries: the task, the network's config, the tokenizer and the
/// task network (whose <c>"backbone"</c> part every task shares). Saved into and loaded from an ML.NET model stream.
/// </summary>
internal sealed class TransformerTextModel : IDisposable
{
    // *** Binary format (streams inside the transformer's model folder) ***
    //   "Config.json"  : TransformerConfig as JSON (UTF-8)
    //   "Tokenizer.bin": TextTokenizer.Save
    //   "Network.bin"  : TorchSharp module.save of the task network (state dict)
    // The task's own settings (columns, head sizes, labels) are written by the transformer (see Tasks/TaskSpec).
    internal const string ConfigStream = "Config.json";
    internal const string TokenizerStream = "Tokenizer.bin";
    internal const string NetworkStream = "Network.bin";

    public TransformerTextModel(TransformerTask task, TransformerConfig config, TextTokenizer tokenizer, TaskNetwork network, Device device)
    {
        Task = task;
        Config = config;
        Tokenizer = tokenizer;
        Network = network.Module;
        Backbone = network.Backbone;
        Device = device;
    }

    public TransformerTask Task { get; }
    public TransformerConfig Config { get; }
    public TextTokenizer Tokenizer { get; }
    public nn.Module Network { get; }
    public Device Device { get; }

    /// <summary>The encoder/decoder stack shared by every task network (part of <see cref="Network"/>).</summary>
    public TransformerBackbone Backbone { get; }

    public void SaveConfig(BinaryWriter writer) => writer.Write(Config.ToJson());

    public static TransformerConfig LoadConfig(BinaryReader reader) => TransformerConfig.FromJson(reader.ReadString());

    public void SaveNetwork(BinaryWriter writer)
    {
        // Weights are always written from the CPU so that a model trained on a GPU loads anywhere.
        if (Device.type == DeviceType.CPU)
        {
            Network.save(writer);
            return;
        }
        Network.to(CPU);
        try { Network.save(writer); }
        finally { Network.to(Device); }
    }

    /// <summary>
    /// Fails before anything is allocated when <paramref name="config"/> describes a network whose weights cannot fit in the
    /// <paramref name="networkBytes"/> of the saved weights (at least 2 bytes per parameter, bfloat16): a damaged or forged
    /// <c>Config.json</c> would otherwise make the loader build a network of the claimed size first (gigabytes, or an allocation
    /// failure inside libtorch).
    /// </summary>
    /// <exception cref="InvalidDataException">The config claims more parameters than the weights hold.</exception>
    public static void CheckConfigFitsWeights(TransformerConfig config, long networkBytes)
    {
        double minimumBytes = config.MinimumParameterCount() * 2;
        if (minimumBytes > networkBytes)
        {
            throw new InvalidDataException(
                $"The saved model's {ConfigStream} (ModelDimension {config.ModelDimension}, LayerCount {config.LayerCount}, VocabularySize {config.VocabularySize}, " +
                $"FeedForwardDimension {config.EffectiveFeedForwardDimension}, MaxSequenceLength {config.MaxSequenceLength}) describes at least " +
                $"{config.MinimumParameterCount():N0} parameters ({minimumBytes:N0} bytes), but {NetworkStream} holds {networkBytes:N0} bytes: the config does not belong to these weights.");
        }
    }

    /// <summary>Loads weights written by <see cref="SaveNetwork"/> into <paramref name="network"/> (same shape), strictly.</summary>
    public static void LoadNetwork(nn.Module network, BinaryReader reader, string source)
    {
        try
        {
            network.load(reader, strict: true);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or EndOfStreamException or IOException)
        {
            throw new InvalidDataException($"The network weights in '{source}' do not match the saved config: {e.Message}", e);
        }
    }

    public void Dispose() => Network.Dispose();
}
