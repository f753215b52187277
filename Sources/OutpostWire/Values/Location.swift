/// A LOCATION value. On the wire it is three big-endian doubles in the order longitude, latitude,
/// elevation (`alwayson.md` §4.3); in JSON it is `{"latitude":…,"longitude":…,"elevation":…}`.
///
/// Equality compares bit patterns, like every value in this module: two values are equal exactly when
/// they encode to the same bytes (so NaN equals itself and 0.0 differs from -0.0).
public struct Location: Sendable, Hashable, CustomStringConvertible {
    public var longitude: Double
    public var latitude: Double
    public var elevation: Double

    public init(latitude: Double, longitude: Double, elevation: Double = 0) {
        self.latitude = latitude
        self.longitude = longitude
        self.elevation = elevation
    }

    public static func == (lhs: Location, rhs: Location) -> Bool {
        lhs.longitude.bitPattern == rhs.longitude.bitPattern
            && lhs.latitude.bitPattern == rhs.latitude.bitPattern
            && lhs.elevation.bitPattern == rhs.elevation.bitPattern
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(longitude.bitPattern)
        hasher.combine(latitude.bitPattern)
        hasher.combine(elevation.bitPattern)
    }

    public var description: String { "(lat \(latitude), lon \(longitude), elev \(elevation))" }
}
