using Microsoft.ML.Attention.Generation;

namespace Microsoft.ML.Attention.Tests.Generation;

public class GenerationOptionsTests
{
    [Fact]
    public void Defaults_are_valid_and_documented_values()
    {
        var options = new GenerationOptions();
        options.Validate();
        Assert.Equal(64, options.MaxNewTokens);
        Assert.Equal(1.0f, options.Temperature);
        Assert.Equal(0, options.TopK);
        Assert.Equal(1.0f, options.TopP);
        Assert.Equal(1.0f, options.RepetitionPenalty);
        Assert.Empty(options.StopSequences);
        Assert.Null(options.Seed);
        Assert.True(options.UseKeyValueCache);
    }

    [Theory]
    [InlineData(nameof(GenerationOptions.MaxNewTokens), "0")]
    [InlineData(nameof(GenerationOptions.Temperature), "-0.5")]
    [InlineData(nameof(GenerationOptions.Temperature), "NaN")]
    [InlineData(nameof(GenerationOptions.TopK), "-1")]
    [InlineData(nameof(GenerationOptions.TopP), "0")]
    [InlineData(nameof(GenerationOptions.TopP), "1.5")]
    [InlineData(nameof(GenerationOptions.RepetitionPenalty), "0")]
    public void Out_of_range_option_throws_naming_the_option_and_value(string option, string value)
    {
        var options = new GenerationOptions();
        var property = typeof(GenerationOptions).GetProperty(option)!;
        property.SetValue(options, Convert.ChangeType(value, property.PropertyType, System.Globalization.CultureInfo.InvariantCulture));

        var error = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Equal(option, error.ParamName);
        Assert.Contains(option, error.Message);
        Assert.Contains(value, error.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    public void Empty_or_null_stop_sequence_throws_naming_StopSequences(string? stop)
    {
        var options = new GenerationOptions { StopSequences = new List<string> { "ok", stop! } };

        var error = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Equal(nameof(GenerationOptions.StopSequences), error.ParamName);
        Assert.Contains("StopSequences[1]", error.Message);
    }
}
