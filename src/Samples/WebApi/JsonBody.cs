using System.Text.Json;

namespace WebApi;

/// <summary>
/// Reads a request's JSON body, so that malformed JSON and missing or empty fields get a 400 whose message says what is wrong
/// (minimal APIs' own binding answers 400 with an empty body).
/// </summary>
public static class JsonBody
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    /// <summary>The body as <typeparamref name="T"/>, or the 400 result to return instead.</summary>
    public static async Task<(T? Value, IResult? Error)> ReadAsync<T>(HttpRequest request, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(request.Body, Options, cancellationToken);
            return value is null ? (null, BadRequest("The request body is empty (JSON null); send a JSON object.")) : (value, null);
        }
        catch (JsonException e)
        {
            return (null, BadRequest($"The request body is not valid JSON for {typeof(T).Name}: {e.Message}"));
        }
    }

    /// <summary>A 400 naming the empty field, or null when <paramref name="value"/> has text.</summary>
    public static IResult? RequireText(string? value, string field) =>
        string.IsNullOrWhiteSpace(value) ? BadRequest($"The field '{field}' is required and must not be empty.") : null;

    public static IResult BadRequest(string message) => Results.BadRequest(new ErrorResponse(message));
}
