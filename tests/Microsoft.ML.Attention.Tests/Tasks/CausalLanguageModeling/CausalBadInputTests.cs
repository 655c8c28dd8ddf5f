using Microsoft.ML.Attention.Generation;
using Microsoft.ML.Attention.Tests.Estimators;

namespace Microsoft.ML.Attention.Tests.Causal;

public class CausalBadInputTests
{
    [Fact]
    public void Negative_temperature_names_the_generation_option()
    {
        var ml = new MLContext(seed: 1);
        var options = CausalModels.TinyCharacterLm();
        options.Generation = new GenerationOptions { Temperature = -0.5f };

        var error = Assert.ThrowsAny<ArgumentException>(() => ml.Transforms.AttentionEncoder(options));

        Assert.Contains("TransformerTextOptions.Generation.Temperature", error.Message);
        Assert.Contains("-0.5", error.Message);
        Assert.Equal("Generation.Temperature", error.ParamName);
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(1.5f)]
    [InlineData(-0.1f)]
    public void Top_p_outside_zero_one_names_the_generation_option(float topP)
    {
        var ml = new MLContext(seed: 1);
        var options = CausalModels.TinyCharacterLm();
        options.Generation = new GenerationOptions { TopP = topP };

        var error = Assert.ThrowsAny<ArgumentException>(() => ml.Transforms.AttentionEncoder(options));

        Assert.Contains("TransformerTextOptions.Generation.TopP", error.Message);
        Assert.Contains("(0, 1]", error.Message);
    }

    [Fact]
    public void Null_generation_options_name_the_option()
    {
        var options = CausalModels.TinyCharacterLm();
        options.Generation = null!;

        var error = Assert.ThrowsAny<ArgumentException>(() => new MLContext(seed: 1).Transforms.AttentionEncoder(options));

        Assert.Contains("Generation", error.Message);
    }

    [Fact]
    public void Import_with_invalid_generation_options_names_the_option()
    {
        var ml = new MLContext(seed: 1);

        var error = Assert.ThrowsAny<ArgumentException>(() => CausalModels.ImportStories(ml, new GenerationOptions { Temperature = -1f }));

        Assert.Contains("Temperature", error.Message);
    }

    [Fact]
    public void Import_of_a_truncated_checkpoint_names_the_file()
    {
        string folder = Directory.CreateTempSubdirectory("mlattention-causal").FullName;
        string path = Path.Combine(folder, "truncated.bin");
        byte[] bytes = File.ReadAllBytes(CausalModels.StoriesFile("stories260K.bin"));
        File.WriteAllBytes(path, bytes[..^64]);

        var error = Assert.Throws<InvalidDataException>(() => new MLContext(seed: 1).Transforms.ImportLlama2c(path, CausalModels.StoriesFile("tok512.bin")));

        Assert.Contains(path, error.Message);
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void Generate_on_an_embedding_model_is_a_clear_InvalidOperationException()
    {
        var ml = new MLContext(seed: 1);
        var options = TinyModels.MaskedLm();
        options.MaxSteps = 1;
        using var encoder = ml.Transforms.AttentionEncoder(options).Fit(TinyModels.Texts(ml, ["some text here"]));

        var error = Assert.Throws<InvalidOperationException>(() => encoder.GenerateStream("Hello"));

        Assert.Contains("MaskedLanguageModeling", error.Message);
        Assert.Contains("CausalLanguageModeling", error.Message);
        Assert.Null(encoder.Generation);
    }

    [Fact]
    public void Empty_training_text_is_a_clear_error()
    {
        var ml = new MLContext(seed: 1);

        var error = Assert.ThrowsAny<InvalidOperationException>(() =>
            ml.Transforms.AttentionEncoder(CausalModels.TinyCharacterLm()).Fit(TinyModels.Texts(ml, ["", ""])));

        Assert.Contains("'Text'", error.Message);
        Assert.Contains("empty", error.Message);
    }
}
