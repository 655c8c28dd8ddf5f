using System.Buffers.Binary;
using System.Text.Json;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Persistence.Import;

/// <summary>
/// Reads a Hugging Face checkpoint folder of a BERT-family encoder: <c>config.json</c> (head count, LayerNorm epsilon, and
/// the settings this library must match) and <c>model.safetensors</c>, with or without the <c>bert.</c> prefix of a task
/// model. Tensors are read by TorchSharp.PyBridge; the safetensors header is checked here first against the file's real size,
/// so that a forged header cannot make anything allocate more than the file holds.
/// </summary>
internal static class HuggingFaceEncoderReader
{
    public const string ConfigFileName = "config.json";
    public const string WeightsFileName = "model.safetensors";
    private const long MaxHeaderBytes = 100 << 20;

    public static EncoderCheckpoint Read(string folder)
    {
        string configPath = Path.Combine(folder, ConfigFileName);
        string weightsPath = Path.Combine(folder, WeightsFileName);
        if (!File.Exists(configPath))
            throw new FileNotFoundException($"The Hugging Face checkpoint folder '{folder}' has no {ConfigFileName}.", configPath);
        if (!File.Exists(weightsPath))
            throw new FileNotFoundException($"The Hugging Face checkpoint folder '{folder}' has no {WeightsFileName} (pytorch_model.bin is not read: convert it to safetensors).", weightsPath);
        var (heads, epsilon) = ReadConfig(configPath);
        CheckSafetensorsHeader(weightsPath);
        Dictionary<string, Tensor> loaded;
        try
        {
            loaded = Safetensors.LoadStateDict(weightsPath);
        }
        catch (Exception e) when (e is not OutOfMemoryException and not InvalidDataException)
        {
            throw new InvalidDataException($"'{weightsPath}' is not a readable safetensors file: {e.Message}", e);
        }
        var weights = new Dictionary<string, Tensor>();
        foreach (var (key, tensor) in loaded)
        {
            string name = key.StartsWith(BertLayout.BaseModelPrefix, StringComparison.Ordinal) ? key[BertLayout.BaseModelPrefix.Length..] : key;
            weights[name] = tensor.dtype == ScalarType.Float32 ? tensor : ConvertAndDispose(tensor);
        }
        return new EncoderCheckpoint(weightsPath, heads, epsilon, weights);
    }

    /// <summary>Whether <paramref name="path"/> is a folder with a Hugging Face config.</summary>
    public static bool IsCheckpointFolder(string path) => Directory.Exists(path) && File.Exists(Path.Combine(path, ConfigFileName));

    private static Tensor ConvertAndDispose(Tensor tensor)
    {
        using (tensor)
            return tensor.to(ScalarType.Float32);
    }

    private static (int Heads, double Epsilon) ReadConfig(string path)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{path}' is not valid JSON: {e.Message}", e);
        }
        string? modelType = root.TryGetProperty("model_type", out var type) ? type.GetString() : null;
        if (modelType is not null && modelType != "bert")
            throw new InvalidDataException($"'{path}': model_type '{modelType}' is not supported; BERT-family encoders ('bert') are.");
        string activation = root.TryGetProperty("hidden_act", out var act) ? act.GetString() ?? "gelu" : "gelu";
        if (activation != "gelu")
            throw new InvalidDataException($"'{path}': hidden_act '{activation}' is not supported; BERT's exact 'gelu' is.");
        if (root.TryGetProperty("position_embedding_type", out var positions) && positions.GetString() is { } kind && kind != "absolute")
            throw new InvalidDataException($"'{path}': position_embedding_type '{kind}' is not supported; 'absolute' is.");
        if (!root.TryGetProperty("num_attention_heads", out var heads) || !heads.TryGetInt32(out int headCount) || headCount <= 0)
            throw new InvalidDataException($"'{path}' has no positive integer num_attention_heads.");
        double epsilon = root.TryGetProperty("layer_norm_eps", out var eps) && eps.TryGetDouble(out double value) ? value : 1e-12;
        return (headCount, epsilon);
    }

    // safetensors: u64 little-endian header size N, N bytes of JSON {name: {dtype, shape, data_offsets: [begin, end]}}, then data.
    private static void CheckSafetensorsHeader(string path)
    {
        using var stream = File.OpenRead(path);
        Span<byte> sizeBytes = stackalloc byte[8];
        if (stream.Read(sizeBytes) != 8)
            throw new InvalidDataException($"'{path}' is too short to be a safetensors file.");
        ulong headerSize = BinaryPrimitives.ReadUInt64LittleEndian(sizeBytes);
        if (headerSize == 0 || headerSize > (ulong)Math.Min(MaxHeaderBytes, stream.Length - 8))
            throw new InvalidDataException($"'{path}': the safetensors header claims {headerSize} bytes; the file holds {stream.Length} bytes.");
        var header = new byte[headerSize];
        stream.ReadExactly(header);
        long dataBytes = stream.Length - 8 - (long)headerSize;
        try
        {
            using var document = JsonDocument.Parse(header);
            foreach (var entry in document.RootElement.EnumerateObject())
            {
                if (entry.Name == "__metadata__")
                    continue;
                int elementSize = entry.Value.GetProperty("dtype").GetString() switch
                {
                    "F32" => 4,
                    "F16" or "BF16" => 2,
                    var other => throw new InvalidDataException($"'{path}': tensor '{entry.Name}' has dtype '{other}'; F32, F16 and BF16 are supported."),
                };
                long count = 1;
                foreach (var dim in entry.Value.GetProperty("shape").EnumerateArray())
                    count = checked(count * dim.GetInt64());
                var offsets = entry.Value.GetProperty("data_offsets");
                long begin = offsets[0].GetInt64(), end = offsets[1].GetInt64();
                if (begin < 0 || end < begin || end > dataBytes || end - begin != checked(count * elementSize))
                {
                    throw new InvalidDataException(
                        $"'{path}': tensor '{entry.Name}' claims {count} values at bytes {begin}..{end}; the file has {dataBytes} data bytes.");
                }
            }
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or OverflowException or FormatException)
        {
            throw new InvalidDataException($"'{path}' has a malformed safetensors header: {e.Message}", e);
        }
    }
}
