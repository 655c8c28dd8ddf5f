using System.Text.Json;
using Microsoft.Extensions.Options;

namespace WebApi;

/// <summary>
/// Reads a request's JSON body, so that malformed JSON and missing or empty fields get a 400 whose message says what is wrong
/// (minimal APIs' own binding answers 400 with an empty body), and a body or a field past <see cref="ServingLimits"/> a 413 naming the limit.
/// </summary>
public sealed class JsonBody(IOptions<ServingLimits> limits, ServingStats stats)
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
    private readonly ServingLimits _limits = limits.Value;

    /// <summary>The body as <typeparamref name="T"/>, or the 400 or 413 result to return instead.</summary>
    public async Task<(T? Value, IResult? Error)> ReadAsync<T>(HttpRequest request, CancellationToken cancellationToken)
        where T : class
    {
        // Kestrel enforces MaxRequestBodySize while the body is read (and TestServer not at all): a declared length fails first.
        if (request.ContentLength > _limits.MaxRequestBodyBytes)
            return (null, BodyTooLarge());
        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(request.Body, Options, cancellationToken);
            return value is null ? (null, BadRequest("The request body is empty (JSON null); send a JSON object.")) : (value, null);
        }
        catch (JsonException e)
        {
            return (null, BadRequest($"The request body is not valid JSON for {typeof(T).Name}: {e.Message}"));
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, BodyTooLarge());
        }
    }

    /// <summary>A 400 naming the empty field, a 413 naming the field and the limit when it is too long, or null.</summary>
    public IResult? RequireText(string? value, string field)
    {
        if (string.IsNullOrWhiteSpace(value))
            return BadRequest($"The field '{field}' is required and must not be empty.");
        return LimitLength(value, field);
    }

    /// <summary>A 413 naming the field and the limit when <paramref name="value"/> is too long, or null.</summary>
    public IResult? LimitLength(string? value, string field)
    {
        if (value?.Length > _limits.MaxCharactersPerField)
        {
            stats.TooLarge();
            return TooLarge($"The field '{field}' has {value.Length:N0} characters; at most {_limits.MaxCharactersPerField:N0} are accepted " +
                $"({ServingLimits.Section}:{nameof(ServingLimits.MaxCharactersPerField)}).");
        }
        return null;
    }

    public static IResult BadRequest(string message) => Results.BadRequest(new ErrorResponse(message));

    private IResult BodyTooLarge()
    {
        stats.TooLarge();
        return TooLarge($"The request body is larger than {_limits.MaxRequestBodyBytes:N0} bytes ({ServingLimits.Section}:{nameof(ServingLimits.MaxRequestBodyBytes)}).");
    }

    private static IResult TooLarge(string message) => Results.Json(new ErrorResponse(message), statusCode: StatusCodes.Status413PayloadTooLarge);
}
