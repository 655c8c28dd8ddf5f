using System.Text;
using System.Text.Json;
using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Tokenization;
using TorchSharp;

namespace Microsoft.ML.Attention.Persistence.Import;

/// <summary>
/// A pretrained BERT-family encoder read from files a user gives: an ONNX export (<c>model.onnx</c>) or a Hugging Face checkpoint
/// folder (<c>config.json</c> + <c>model.safetensors</c>), with its WordPiece vocabulary (<c>vocab.txt</c>, or the WordPiece model
/// of a <c>tokenizer.json</c>). Holds the config that reproduces it, the tokenizer, and the weights until
/// <see cref="CopyInto"/> puts them into a backbone.
/// </summary>
internal sealed class PretrainedEncoder : IDisposable
{
    private const string VocabularyFileName = "vocab.txt";
    private const string TokenizerJsonFileName = "tokenizer.json";
    private const string TokenizerConfigFileName = "tokenizer_config.json";

    private readonly EncoderCheckpoint _checkpoint;

    private PretrainedEncoder(EncoderCheckpoint checkpoint, TransformerConfig config, TextTokenizer tokenizer)
    {
        _checkpoint = checkpoint;
        Config = config;
        Tokenizer = tokenizer;
    }

    /// <summary>The config of the encoder (BERT's layout; sizes, heads and epsilon from the files).</summary>
    public TransformerConfig Config { get; }

    /// <summary>The WordPiece tokenizer of the encoder.</summary>
    public TextTokenizer Tokenizer { get; }

    /// <summary>Whether <paramref name="path"/> names a pretrained encoder (not an ML.NET <c>.zip</c>): a folder with config.json, a .safetensors or an ONNX file.</summary>
    public static bool IsPretrainedEncoder(string path) =>
        HuggingFaceEncoderReader.IsCheckpointFolder(path)
        || (File.Exists(path) && (path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase) || OnnxEncoderReader.LooksLikeOnnx(path)));

    /// <summary>Reads the encoder and its vocabulary.</summary>
    /// <param name="modelPath">An ONNX file, a <c>model.safetensors</c> beside its <c>config.json</c>, or the folder holding them.</param>
    /// <param name="vocabularyPath">The vocab.txt or tokenizer.json; null = the one beside the model.</param>
    /// <param name="lowerCase">Whether to lower-case (and strip accents); null = <c>do_lower_case</c> of a tokenizer_config.json beside the model, else true (uncased models).</param>
    /// <param name="option">The option or argument that named <paramref name="modelPath"/>, for messages.</param>
    public static PretrainedEncoder Load(string modelPath, string? vocabularyPath, bool? lowerCase, string option)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelPath, option);
        string folder = Directory.Exists(modelPath) ? modelPath : Path.GetDirectoryName(Path.GetFullPath(modelPath))!;
        EncoderCheckpoint checkpoint;
        if (HuggingFaceEncoderReader.IsCheckpointFolder(modelPath))
            checkpoint = HuggingFaceEncoderReader.Read(modelPath);
        else if (!File.Exists(modelPath))
            throw new FileNotFoundException($"{option} '{modelPath}' does not exist.", modelPath);
        else if (modelPath.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase))
            checkpoint = HuggingFaceEncoderReader.Read(folder);
        else if (OnnxEncoderReader.LooksLikeOnnx(modelPath))
            checkpoint = OnnxEncoderReader.Read(modelPath);
        else
            throw new InvalidDataException($"{option} '{modelPath}' is neither an ONNX model, a safetensors file, nor a Hugging Face checkpoint folder (config.json + model.safetensors).");

        try
        {
            var config = BertLayout.ConfigOf(checkpoint);
            var tokenizer = ReadTokenizer(folder, vocabularyPath, lowerCase ?? ReadLowerCase(folder) ?? true);
            if (tokenizer.VocabularySize != config.VocabularySize)
            {
                throw new InvalidDataException(
                    $"The vocabulary has {tokenizer.VocabularySize} tokens but the encoder '{modelPath}' has {config.VocabularySize} token embeddings: they do not belong together.");
            }
            return new PretrainedEncoder(checkpoint, config, tokenizer);
        }
        catch
        {
            checkpoint.Dispose();
            throw;
        }
    }

    /// <summary>The weights under Hugging Face's BertModel names, in PyTorch's layout (owned by this object).</summary>
    internal IReadOnlyDictionary<string, TorchSharp.torch.Tensor> Weights => _checkpoint.Weights;

    /// <summary>
    /// A masked-LM model whose backbone holds the pretrained encoder (the prediction head is new: exports of the base model carry
    /// none), in eval mode on <paramref name="device"/>.
    /// </summary>
    /// <param name="modelPath">The encoder (see <see cref="PretrainedEncoder.Load"/>).</param>
    /// <param name="vocabularyPath">Its vocabulary; null = beside the model.</param>
    /// <param name="lowerCase">Lower-casing; null = from the model's files.</param>
    /// <param name="maxSequenceLength">0 = the model's position table; else at most that, and the table is cut to it.</param>
    /// <param name="device">Where the network goes.</param>
    /// <param name="option">The option that named <paramref name="modelPath"/>, for messages.</param>
    public static (TransformerConfig Config, TextTokenizer Tokenizer, MaskedLanguageModel Network) LoadModel(string modelPath, string? vocabularyPath, bool? lowerCase, int maxSequenceLength, torch.Device device,
        string option)
    {
        using var encoder = Load(modelPath, vocabularyPath, lowerCase, option);
        var config = encoder.Config;
        if (maxSequenceLength > config.MaxSequenceLength)
        {
            throw new ArgumentOutOfRangeException(nameof(ImportEncoderOptions.MaxSequenceLength), maxSequenceLength,
                $"MaxSequenceLength {maxSequenceLength} exceeds the {config.MaxSequenceLength} positions of '{modelPath}'.");
        }

        if (maxSequenceLength > 0)
        {
            config = config with { MaxSequenceLength = maxSequenceLength };
        }

        var network = new MaskedLanguageModel(config);
        try
        {
            encoder.CopyInto(network.Backbone);
            network.to(device);
            network.eval();
            return (config, encoder.Tokenizer, network);
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <summary>Copies the weights into <paramref name="backbone"/>, which must have been built from <see cref="Config"/> (dropout may differ).</summary>
    public void CopyInto(TransformerBackbone backbone) => BertLayout.CopyInto(_checkpoint, backbone);

    public void Dispose() => _checkpoint.Dispose();

    private static TextTokenizer ReadTokenizer(string folder, string? vocabularyPath, bool lowerCase)
    {
        string path = vocabularyPath
            ?? new[] { VocabularyFileName, TokenizerJsonFileName }.Select(name => Path.Combine(folder, name)).FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException(
                $"No vocabulary for the encoder: give the vocabulary path (vocab.txt or tokenizer.json); none is beside the model in '{folder}'.");
        if (!File.Exists(path))
            throw new FileNotFoundException($"The vocabulary '{path}' does not exist.", path);
        byte[] lines = path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? VocabularyOfTokenizerJson(path) : WithLineFeeds(File.ReadAllBytes(path));
        return TextTokenizer.CreateWordPiece(new MemoryStream(lines, writable: false), lowerCase);
    }

    // vocab.txt files written on Windows end lines with CRLF; WordPiece tokens never contain '\r'.
    private static byte[] WithLineFeeds(byte[] vocabulary) =>
        vocabulary.AsSpan().IndexOf((byte)'\r') < 0 ? vocabulary : Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(vocabulary).Replace("\r\n", "\n"));

    /// <summary>The WordPiece vocabulary of a Hugging Face tokenizer.json, as vocab.txt lines ordered by id.</summary>
    private static byte[] VocabularyOfTokenizerJson(string path)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            var model = document.RootElement.GetProperty("model");
            string type = model.TryGetProperty("type", out var t) ? t.GetString() ?? "" : "";
            if (type != "WordPiece")
                throw new InvalidDataException($"'{path}' describes a '{type}' tokenizer; BERT-family encoders use WordPiece.");
            var vocabulary = model.GetProperty("vocab").EnumerateObject().Select(p => (Token: p.Name, Id: p.Value.GetInt32())).OrderBy(p => p.Id).ToList();
            for (int i = 0; i < vocabulary.Count; i++)
            {
                if (vocabulary[i].Id != i)
                    throw new InvalidDataException($"'{path}': the WordPiece ids are not 0..{vocabulary.Count - 1} (id {i} is missing or repeated).");
            }
            return Encoding.UTF8.GetBytes(string.Join("\n", vocabulary.Select(p => p.Token)) + "\n");
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"'{path}' is not a Hugging Face tokenizer.json with a WordPiece vocabulary: {e.Message}", e);
        }
    }

    private static bool? ReadLowerCase(string folder)
    {
        string path = Path.Combine(folder, TokenizerConfigFileName);
        if (!File.Exists(path))
            return null;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            return document.RootElement.TryGetProperty("do_lower_case", out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False
                ? value.GetBoolean()
                : null;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{path}' is not valid JSON: {e.Message}", e);
        }
    }
}
