using Microsoft.ML.Attention.Modeling;

namespace Microsoft.ML.Attention.Tests.Modeling;

public class TransformerConfigTests
{
    private static readonly TransformerConfig Valid = new() { VocabularySize = 100 };

    public static TheoryData<string, string, string> InvalidConfigs => new()
    {
        { "default vocabulary", "VocabularySize", "0" },
        { "negative layers", "LayerCount", "-1" },
        { "indivisible model dimension", "ModelDimension", "130" },
        { "too many kv heads", "KeyValueHeadCount", "8" },
        { "kv heads not dividing heads", "KeyValueHeadCount", "3" },
        { "dropout of one", "Dropout", "1" },
        { "negative attention dropout", "AttentionDropout", "-0.1" },
        { "rotary with odd head dimension", "PositionalEncoding", "Rotary" },
        { "zero epsilon", "NormalizationEpsilon", "0" },
    };

    private static TransformerConfig Make(string name) => name switch
    {
        "default vocabulary" => new TransformerConfig(),
        "negative layers" => Valid with { LayerCount = -1 },
        "indivisible model dimension" => Valid with { ModelDimension = 130 },
        "too many kv heads" => Valid with { KeyValueHeadCount = 8 },
        "kv heads not dividing heads" => Valid with { HeadCount = 4, KeyValueHeadCount = 3 },
        "dropout of one" => Valid with { Dropout = 1 },
        "negative attention dropout" => Valid with { AttentionDropout = -0.1 },
        "rotary with odd head dimension" => Valid with { ModelDimension = 12, HeadCount = 4, PositionalEncoding = PositionalEncodingKind.Rotary },
        "zero epsilon" => Valid with { NormalizationEpsilon = 0 },
        _ => throw new ArgumentException(name, nameof(name)),
    };

    [Theory]
    [MemberData(nameof(InvalidConfigs))]
    public void Validate_names_the_offending_property_and_value(string name, string property, string value)
    {
        var error = Assert.Throws<ArgumentException>(() => Make(name).Validate());
        Assert.Equal(property, error.ParamName);
        Assert.Contains($"TransformerConfig.{property}", error.Message);
        Assert.Contains($"got {value}", error.Message);
    }

    [Fact]
    public void Defaults_are_valid_once_the_vocabulary_is_set_and_computed_sizes_follow_them()
    {
        Valid.Validate();
        Assert.Equal(4, Valid.EffectiveKeyValueHeadCount);
        Assert.Equal(512, Valid.EffectiveFeedForwardDimension);
        Assert.Equal(32, Valid.HeadDimension);
        Assert.Equal(4, TestConfigs.Llama.EffectiveKeyValueHeadCount);
        Assert.Equal(172, TestConfigs.Llama.EffectiveFeedForwardDimension);
        Assert.Equal(8, TestConfigs.Llama.HeadDimension);
    }

    [Fact]
    public void Json_round_trip_keeps_every_property_and_writes_enums_as_strings()
    {
        var config = TestConfigs.Llama with { RotaryBase = 500000, NormalizationPlacement = NormalizationPlacement.PostNorm };

        var json = config.ToJson();
        var back = TransformerConfig.FromJson(json);

        Assert.Equal(config, back);
        Assert.Contains("\"PositionalEncoding\": \"Rotary\"", json);
        Assert.Contains("\"Activation\": \"SwiGlu\"", json);
        Assert.DoesNotContain("HeadDimension", json);
    }

    [Fact]
    public void FromJson_validates_the_configuration()
    {
        var json = (Valid with { HeadCount = 3 }).ToJson();

        var error = Assert.Throws<ArgumentException>(() => TransformerConfig.FromJson(json));

        Assert.Equal("ModelDimension", error.ParamName);
    }

    [Fact]
    public void FromJson_rejects_unknown_properties_and_malformed_text()
    {
        Assert.Throws<ArgumentException>(() => TransformerConfig.FromJson("{\"VocabularySize\": 10, \"LayerCont\": 3}"));
        Assert.Throws<ArgumentException>(() => TransformerConfig.FromJson("{\"VocabularySize\": "));
        Assert.Throws<ArgumentException>(() => TransformerConfig.FromJson("null"));
    }
}
