using Microsoft.ML.Attention.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Persistence;

/// <summary>
/// The streams every saved model has besides its task's settings (which the task's spec writes): the network's config, the tokenizer
/// and the weights, with the checks that run before anything is allocated.
/// </summary>
internal static class ModelStreams
{
    // *** Binary format (streams inside the transformer's model folder) ***
    //   "Config.json"  : a .NET BinaryWriter string (length-prefixed UTF-8) holding TransformerConfig as JSON. The name says JSON and the
    //                    payload is JSON inside a BinaryWriter frame; kept as it is, since every saved model has this stream.
    //   "Tokenizer.bin": TextTokenizer.Save
    //   "Network.bin"  : TorchSharp module.save of the task network (state dict)
    internal const string ConfigStream = "Config.json";
    internal const string TokenizerStream = "Tokenizer.bin";
    internal const string NetworkStream = "Network.bin";

    public static void SaveConfig(TransformerConfig config, BinaryWriter writer) => writer.Write(config.ToJson());

    public static TransformerConfig LoadConfig(BinaryReader reader) => TransformerConfig.FromJson(reader.ReadString());

    /// <summary>Writes the weights of <paramref name="network"/>, which lives on <paramref name="device"/>, always from the CPU (so that a model trained on a GPU loads anywhere).</summary>
    public static void SaveNetwork(nn.Module network, Device device, BinaryWriter writer)
    {
        if (device.type == DeviceType.CPU)
        {
            network.save(writer);
            return;
        }
        network.to(CPU);
        try { network.save(writer); }
        finally { network.to(device); }
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
}
