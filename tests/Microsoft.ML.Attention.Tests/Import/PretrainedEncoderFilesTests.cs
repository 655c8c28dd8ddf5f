using System.Text;
using Google.Protobuf;
using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Persistence.Import;
using Onnx;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Tests.Import;

/// <summary>Hugging Face checkpoint folders (config.json + model.safetensors) and what happens with broken or foreign files.</summary>
public sealed class PretrainedEncoderFilesTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("mlattention-import-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <remarks>
    /// Until a fixture written by Hugging Face transformers itself is committed (tools/reference, on a machine with PyTorch), the
    /// safetensors path is checked by writing the imported MiniLM weights in Hugging Face's layout and names (with the <c>bert.</c>
    /// prefix of a task model, as BertForSequenceClassification saves them) and reading them back.
    /// </remarks>
    [Fact]
    public void Safetensors_folder_in_Hugging_Face_layout_gives_the_same_token_states_as_the_onnx_file()
    {
        using var fromOnnx = PretrainedEncoder.Load(MiniLmFiles.ModelPath, MiniLmFiles.VocabularyPath, lowerCase: null, "modelPath");
        WriteHuggingFaceFolder(fromOnnx, prefix: "bert.");
        using var fromFolder = PretrainedEncoder.Load(_folder, vocabularyPath: null, lowerCase: null, "modelPath");
        Assert.Equal(fromOnnx.Config, fromFolder.Config);

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var ids = tensor(new long[] { 101, 7592, 1010, 2088, 999, 102, 2129, 2024, 2017, 102 }, [1, 10]);
        var types = tensor(new long[] { 0, 0, 0, 0, 0, 0, 1, 1, 1, 1 }, [1, 10]);
        var expected = Forward(fromOnnx, ids, types);
        var actual = Forward(fromFolder, ids, types);
        Assert.Equal(0.0, (expected - actual).abs().max().item<float>());
    }

    [Fact]
    public void Vocabulary_comes_from_tokenizer_json_and_lower_casing_from_tokenizer_config()
    {
        using var fromOnnx = PretrainedEncoder.Load(MiniLmFiles.ModelPath, MiniLmFiles.VocabularyPath, lowerCase: null, "modelPath");
        WriteHuggingFaceFolder(fromOnnx, prefix: "", vocabulary: false);
        var tokens = File.ReadAllLines(MiniLmFiles.VocabularyPath);
        var vocab = string.Join(",", tokens.Select((t, i) => $"{System.Text.Json.JsonSerializer.Serialize(t)}:{i}"));
        File.WriteAllText(Path.Combine(_folder, "tokenizer.json"), "{\"model\":{\"type\":\"WordPiece\",\"vocab\":{" + vocab + "}}}");
        File.WriteAllText(Path.Combine(_folder, "tokenizer_config.json"), """{"do_lower_case": false}""");
        using var encoder = PretrainedEncoder.Load(_folder, vocabularyPath: null, lowerCase: null, "modelPath");
        Assert.Equal(fromOnnx.Tokenizer.Encode("hello world"), encoder.Tokenizer.Encode("hello world"));
        Assert.NotEqual(fromOnnx.Tokenizer.Encode("Hello World"), encoder.Tokenizer.Encode("Hello World")); // cased: "Hello" is not in an uncased vocabulary
    }

    [Fact]
    public void A_file_that_is_neither_onnx_nor_safetensors_is_named()
    {
        string path = Path.Combine(_folder, "notes.txt");
        File.WriteAllText(path, "just some text");
        var error = Assert.Throws<InvalidDataException>(() => PretrainedEncoder.Load(path, MiniLmFiles.VocabularyPath, null, "modelPath"));
        Assert.Contains("notes.txt", error.Message);
        Assert.Contains("neither an ONNX model", error.Message);
    }

    [Fact]
    public void A_missing_model_file_names_the_option()
    {
        var error = Assert.Throws<FileNotFoundException>(() => PretrainedEncoder.Load(Path.Combine(_folder, "none.onnx"), null, null, "modelPath"));
        Assert.Contains("modelPath", error.Message);
    }

    [Fact]
    public void A_truncated_onnx_file_fails_with_the_file_name()
    {
        string path = Path.Combine(_folder, "truncated.onnx");
        using (var source = File.OpenRead(MiniLmFiles.ModelPath))
        using (var target = File.Create(path))
        {
            var buffer = new byte[1 << 20];
            source.ReadExactly(buffer);
            target.Write(buffer);
        }
        var error = Assert.Throws<InvalidDataException>(() => PretrainedEncoder.Load(path, MiniLmFiles.VocabularyPath, null, "modelPath"));
        Assert.Contains("truncated.onnx", error.Message);
    }

    [Fact]
    public void An_onnx_graph_whose_projection_is_not_found_names_the_bias()
    {
        var graph = new GraphProto { Name = "broken" };
        graph.Initializer.Add(FloatInitializer("embeddings.word_embeddings.weight", 8, 4));
        graph.Initializer.Add(FloatInitializer("encoder.layer.0.attention.self.query.bias", 4));
        graph.Node.Add(new NodeProto { OpType = "Erf", Name = "erf", Input = { "x" }, Output = { "y" } });
        string path = Path.Combine(_folder, "broken.onnx");
        File.WriteAllBytes(path, new ModelProto { IrVersion = 7, Graph = graph }.ToByteArray());
        var error = Assert.Throws<InvalidDataException>(() => PretrainedEncoder.Load(path, MiniLmFiles.VocabularyPath, null, "modelPath"));
        Assert.Contains("encoder.layer.0.attention.self.query.bias", error.Message);
        Assert.Contains("not recognized", error.Message);
    }

    [Fact]
    public void A_vocabulary_that_does_not_match_the_embedding_table_is_refused()
    {
        string vocabulary = Path.Combine(_folder, "small-vocab.txt");
        File.WriteAllLines(vocabulary, ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "hello"]);
        var error = Assert.Throws<InvalidDataException>(() => PretrainedEncoder.Load(MiniLmFiles.ModelPath, vocabulary, null, "modelPath"));
        Assert.Contains("6 tokens", error.Message);
        Assert.Contains("30522 token embeddings", error.Message);
    }

    [Fact]
    public void A_missing_vocabulary_is_reported_before_anything_runs()
    {
        string model = Path.Combine(_folder, "model.onnx");
        File.Copy(MiniLmFiles.ModelPath, model);
        var error = Assert.Throws<FileNotFoundException>(() => PretrainedEncoder.Load(model, vocabularyPath: null, null, "modelPath"));
        Assert.Contains("vocab.txt or tokenizer.json", error.Message);
    }

    [Fact]
    public void A_safetensors_header_that_claims_more_than_the_file_holds_is_refused_without_allocating()
    {
        WriteConfig(headCount: 12);
        using var stream = File.Create(Path.Combine(_folder, "model.safetensors"));
        string header = """{"embeddings.word_embeddings.weight":{"dtype":"F32","shape":[4000000,8192],"data_offsets":[0,131072000000000]}}""";
        stream.Write(BitConverter.GetBytes((ulong)header.Length));
        stream.Write(Encoding.UTF8.GetBytes(header));
        stream.Write(new byte[64]);
        stream.Close();
        var error = Assert.Throws<InvalidDataException>(() => PretrainedEncoder.Load(_folder, MiniLmFiles.VocabularyPath, null, "modelPath"));
        Assert.Contains("embeddings.word_embeddings.weight", error.Message);
        Assert.Contains("64 data bytes", error.Message);
    }

    [Fact]
    public void A_config_that_contradicts_the_weights_is_refused()
    {
        using var fromOnnx = PretrainedEncoder.Load(MiniLmFiles.ModelPath, MiniLmFiles.VocabularyPath, lowerCase: null, "modelPath");
        WriteHuggingFaceFolder(fromOnnx, prefix: "");
        WriteConfig(headCount: 7); // 384 is not divisible by 7
        var error = Assert.Throws<InvalidDataException>(() => PretrainedEncoder.Load(_folder, null, null, "modelPath"));
        Assert.Contains("HeadCount", error.Message);
    }

    private static Tensor Forward(PretrainedEncoder encoder, Tensor ids, Tensor types)
    {
        var backbone = new TransformerBackbone(encoder.Config);
        encoder.CopyInto(backbone);
        backbone.eval();
        return backbone.forward(ids, null, causal: false, tokenTypeIds: types);
    }

    private void WriteHuggingFaceFolder(PretrainedEncoder encoder, string prefix, bool vocabulary = true)
    {
        var weights = encoder.Weights.ToDictionary(kv => prefix + kv.Key, kv => kv.Value);
        Safetensors.SaveStateDict(Path.Combine(_folder, "model.safetensors"), weights);
        WriteConfig(encoder.Config.HeadCount);
        if (vocabulary)
            File.Copy(MiniLmFiles.VocabularyPath, Path.Combine(_folder, "vocab.txt"));
    }

    private void WriteConfig(int headCount) => File.WriteAllText(Path.Combine(_folder, "config.json"), $$"""
        {"model_type": "bert", "hidden_act": "gelu", "num_attention_heads": {{headCount}}, "layer_norm_eps": 1e-12,
         "position_embedding_type": "absolute", "hidden_size": 384, "num_hidden_layers": 6}
        """);

    private static TensorProto FloatInitializer(string name, params long[] dims)
    {
        var proto = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        proto.Dims.AddRange(dims);
        proto.RawData = ByteString.CopyFrom(new byte[dims.Aggregate(4L, (a, d) => a * d)]);
        return proto;
    }
}
