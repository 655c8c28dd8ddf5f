using Microsoft.ML.Attention.Modeling;

namespace Microsoft.ML.Attention.Tests.Estimators;

public class BadInputTests
{
    private sealed class NumberRow
    {
        public float Text { get; set; }
    }

    [Fact]
    public void Missing_text_column_names_the_column()
    {
        var ml = new MLContext(seed: 1);
        var data = TinyModels.Texts(ml, ["a b c"]);
        var options = TinyModels.MaskedLm();
        options.TextColumnName = "Sentence";
        var error = Assert.ThrowsAny<ArgumentException>(() => ml.Transforms.AttentionEncoder(options).Fit(data));
        Assert.Contains("Sentence", error.Message);
    }

    [Fact]
    public void Non_text_column_names_the_column_and_expected_type()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(new[] { new NumberRow { Text = 1 } });
        var error = Assert.ThrowsAny<ArgumentException>(() => ml.Transforms.AttentionEncoder(TinyModels.MaskedLm()).Fit(data));
        Assert.Contains("Text", error.Message);
        Assert.Contains("String", error.Message);
        Assert.Contains("Single", error.Message);
    }

    [Fact]
    public void Transform_checks_the_column_of_new_data()
    {
        var ml = new MLContext(seed: 1);
        var options = TinyModels.MaskedLm();
        options.MaxSteps = 1;
        using var model = ml.Transforms.AttentionEncoder(options).Fit(TinyModels.Texts(ml, ["some text here"]));
        var wrong = ml.Data.LoadFromEnumerable(new[] { new NumberRow { Text = 1 } });
        var error = Assert.ThrowsAny<ArgumentException>(() => model.Transform(wrong));
        Assert.Contains("Text", error.Message);
    }

    [Fact]
    public void Empty_and_null_strings_get_a_defined_embedding()
    {
        var ml = new MLContext(seed: 1);
        var options = TinyModels.MaskedLm();
        options.MaxSteps = 1;
        using var model = ml.Transforms.AttentionEncoder(options).Fit(TinyModels.Texts(ml, ["some text", "more text"]));
        var rows = new[] { new TinyModels.TextRow { Text = "" }, new TinyModels.TextRow { Text = null! }, new TinyModels.TextRow { Text = "text" } };
        var vectors = TinyModels.ReadVectors(model.Transform(ml.Data.LoadFromEnumerable(rows)), "Embedding");
        Assert.Equal(3, vectors.Length);
        Assert.All(vectors, v => Assert.All(v, x => Assert.True(float.IsFinite(x))));
        Assert.Equal(vectors[0], vectors[1]);
    }

    [Fact]
    public void Zero_rows_is_a_clear_error()
    {
        var ml = new MLContext(seed: 1);
        var error = Assert.ThrowsAny<InvalidOperationException>(() => ml.Transforms.AttentionEncoder(TinyModels.MaskedLm()).Fit(TinyModels.Texts(ml, [])));
        Assert.Contains("no rows", error.Message);
        Assert.Contains("Text", error.Message);
    }

    [Fact]
    public void Initial_model_path_that_does_not_exist_names_the_path()
    {
        var ml = new MLContext(seed: 1);
        var options = TinyModels.MaskedLm();
        options.InitialModel = "/no/such/encoder.zip";
        var error = Assert.Throws<FileNotFoundException>(() => ml.Transforms.AttentionEncoder(options).Fit(TinyModels.Texts(ml, ["text"])));
        Assert.Contains("/no/such/encoder.zip", error.Message);
        Assert.Contains("InitialModel", error.Message);
    }

    [Fact]
    public void Initial_model_that_is_not_a_model_is_a_clear_error()
    {
        var ml = new MLContext(seed: 1);
        string path = Path.Combine(Directory.CreateTempSubdirectory("mlattention").FullName, "notes.zip");
        File.WriteAllText(path, "not a zip");
        var options = TinyModels.MaskedLm();
        options.InitialModel = path;
        var error = Assert.Throws<InvalidDataException>(() => ml.Transforms.AttentionEncoder(options).Fit(TinyModels.Texts(ml, ["text"])));
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void Initial_model_of_another_library_is_a_clear_error()
    {
        var ml = new MLContext(seed: 1);
        var data = TinyModels.Texts(ml, ["text"]);
        var other = ml.Transforms.Text.FeaturizeText("Features", "Text").Fit(data);
        string path = Path.Combine(Directory.CreateTempSubdirectory("mlattention").FullName, "featurizer.zip");
        ml.Model.Save(other, data.Schema, path);
        var options = TinyModels.MaskedLm();
        options.InitialModel = path;
        var error = Assert.Throws<InvalidDataException>(() => ml.Transforms.AttentionEncoder(options).Fit(data));
        Assert.Contains("without a TransformerTextTransformer", error.Message);
    }

    [Theory]
    [InlineData("Epochs", 0)]
    [InlineData("BatchSize", -1)]
    [InlineData("LearningRate", 0)]
    [InlineData("GradientAccumulationSteps", 0)]
    public void Invalid_option_names_the_option_and_value(string option, double value)
    {
        var options = TinyModels.MaskedLm();
        var property = typeof(TransformerTextOptions).GetProperty(option)!;
        property.SetValue(options, Convert.ChangeType(value, property.PropertyType));
        var error = Assert.ThrowsAny<ArgumentException>(() => new MLContext().Transforms.AttentionEncoder(options));
        Assert.Contains(option, error.Message);
        Assert.Contains(Convert.ChangeType(value, property.PropertyType).ToString()!, error.Message);
    }

    [Fact]
    public void Invalid_mask_probability_names_the_nested_option_and_value()
    {
        var options = TinyModels.MaskedLm();
        options.MaskedLanguageModeling.MaskProbability = 1.5;
        var error = Assert.ThrowsAny<ArgumentException>(() => new MLContext().Transforms.AttentionEncoder(options));
        Assert.Contains("MaskedLanguageModeling.MaskProbability", error.Message);
        Assert.Contains("1.5", error.Message);
    }

    [Fact]
    public void Invalid_model_config_names_the_field()
    {
        var options = TinyModels.MaskedLm();
        options.Model = options.Model with { HeadCount = 5 };
        var error = Assert.ThrowsAny<ArgumentException>(() => new MLContext().Transforms.AttentionEncoder(options));
        Assert.Contains("HeadCount", error.Message);
    }
}
